// dashboard.js: the region at a glance. Every figure and every bar links to
// the list behind it (the server gives each number its link).

import {h, mount} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {go} from '../lib/router.js';
import {heading} from '../lib/page.js';
import {regionOptions} from '../lib/regions.js';
import {echarts} from '../lib/charts.js';
import {num, pct, wan, yuan, datetime} from '../lib/format.js';

const statusColors = {paid: '#3a9d5d', scheduled: '#5b8def', overdue: '#d64541', failed: '#f0a030', returned: '#9b59b6'};
let live = [];
let early = null;

// The charting library is big; start loading it as soon as this view is.
const charts = echarts();
charts.catch(() => {});

// prefetch starts the dashboard's request while the console is still
// asking who is signed in.
export function prefetch(query) {
  const promise = api.get('/dashboard', {region: query.region});
  promise.catch(() => {});
  early = {region: query.region || '', promise};
}

function data(query) {
  const e = early;
  early = null;
  if (e && e.region === (query.region || '')) return e.promise.catch(() => api.get('/dashboard', {region: query.region}));
  return api.get('/dashboard', {region: query.region});
}

// render draws the frame of the page and sets the charts up while the
// numbers are on their way (the charting library and the request arrive
// together), then fills everything in.
export async function render(view, {query}) {
  for (const c of live) c.dispose();
  live = [];
  const dataP = data(query);
  const options = regionOptions();
  options.catch(() => {});

  const picker = h('select', {class: 'input', id: 'dashboard-region', 'aria-label': '查看范围'}, h('option', {value: query.region || ''}, '…'));
  options.then(opts => {
    picker.replaceChildren(...opts.map(([v, l]) => h('option', {value: v}, l.trim())));
    picker.value = query.region || '';
  }).catch(() => {});
  picker.addEventListener('change', () => go('dashboard', {region: picker.value}));
  const updated = h('span', {class: 'muted updated'});
  const cards = h('div', {class: 'cards'});
  const monthsEl = h('div', {class: 'chart', id: 'chart-payments'});
  const overdueEl = h('div', {class: 'chart-bars', id: 'chart-overdue'});
  const visitsEl = h('div', {class: 'chart-bars', id: 'chart-visits'});
  const deniedEl = h('div');
  const monthsTitle = h('h2', {}, '一卡通发放（按应发月份）');
  const monthsNote = h('p', {class: 'note'}), overdueNote = h('p', {class: 'note'}), visitsNote = h('p', {class: 'note'});
  const side = h('div', {class: 'stack'});
  const lower = h('div', {class: 'grid2'});
  mount(view,
    heading('工作台', updated, picker),
    cards,
    h('div', {class: 'grid2'},
      h('section', {class: 'panel'}, monthsTitle, monthsEl, monthsNote),
      h('section', {class: 'panel'}, h('h2', {}, '逾期未发（按村）'), overdueEl, overdueNote)),
    h('div', {class: 'grid2'}, h('section', {class: 'panel'}, h('h2', {}, '走访覆盖率（按村）'), visitsEl, visitsNote, deniedEl), side),
    lower);

  const ec = await charts;
  const months = chart(ec, monthsEl, {
    tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}},
    legend: {top: 0},
    grid: {left: 48, right: 16, top: 36, bottom: 28},
    xAxis: {type: 'category', data: []},
    yAxis: {type: 'value', name: '笔数'},
  });

  const d = await dataP;
  performance.mark('dashboard:data');
  updated.textContent = '数据时间 ' + datetime(d.generated_at);
  if (!query.region) picker.firstChild.textContent = d.region.name;

  const p = d.payments, v = d.visits, f = d.flags, r = d.reports, j = d.jobs;
  const unfinished = r.by_status.filter(s => s.status === 'open' || s.status === 'acknowledged').reduce((n, s) => n + s.count, 0);
  const pushed = Object.fromEntries(d.pushes.by_state.map(s => [s.status, s]));
  mount(cards,
    card('逾期未发', num(p.overdue.count) + ' 笔', wan(p.overdue.amount_fen), p.overdue.link, 'danger', 'kpi-overdue'),
    card('今年迟发', num(p.late.count) + ' 笔', wan(p.late.amount_fen), p.late.link, p.late.count ? 'warn' : 'ok', 'kpi-late'),
    card('走访覆盖率', pct(v.share), num(v.covered.count) + ' / ' + num(v.paired.count) + ' 户在周期内走访', v.uncovered.link, v.share < 0.9 ? 'warn' : 'ok', 'kpi-visits'),
    card('风险户', num(f.households.count) + ' 户', '重点村 ' + num(f.priority_village_count.count) + ' 个', f.households.link, f.households.count ? 'warn' : 'ok', 'kpi-flags'),
    card('待办诉求', num(unfinished) + ' 件', '超期 ' + num(r.late.count) + ' 件', r.late.count ? r.late.link : '#/reports?status=open', r.late.count ? 'danger' : 'ok', 'kpi-reports'),
    card('在招岗位', num(j.open.count) + ' 个', '空缺 ' + num(j.vacancies) + ' 人，近30天报名 ' + num(j.interests_30d.count), j.open.link, 'ok', 'kpi-jobs'),
    card('零就业家庭', num(j.zero_employment.count) + ' 户', '有劳动力且无人务工', j.zero_employment.link, j.zero_employment.count ? 'warn' : 'ok', 'kpi-zero'),
    card('推送失败', num((pushed.dead || {}).count) + ' 条', '近' + d.pushes.days + '天已发送 ' + num((pushed.sent || {}).count) + ' 条', (pushed.dead || {}).link || '#/outbox', (pushed.dead || {}).count ? 'danger' : 'ok', 'kpi-pushes'));
  monthsTitle.textContent = p.year + ' 年一卡通发放（按应发月份）';
  monthsNote.textContent = '点击柱形查看明细；逾期指应发日加 ' + p.grace_days + ' 天宽限期后仍未发放。';
  overdueNote.textContent = p.overdue_by_village.length ? '共 ' + num(p.overdue.count) + ' 笔，' + yuan(p.overdue.amount_fen) + ' 元' : '没有逾期未发的补贴';
  visitsNote.textContent = '已结对农户中，最近一次走访在周期内（常规 ' + v.period_days.default + ' 天，提级帮扶 ' + v.period_days.elevated + ' 天）的比例。点击查看未按期走访的户。';
  mount(side,
    panel('诉求办理', null, null,
      bars(r.by_status.map(s => ({name: s.name, value: s.count, text: s.count + ' 件', link: s.link, tone: s.status})), 'report-status'),
      listOf(r.open_by_age.map(a => [a.name + '未办结', a.count + ' 件', a.link]).concat([['超期未办', r.late.count + ' 件', r.late.link]]), 'report-ages')),
    panel('消息推送（近' + d.pushes.days + '天）', null, null,
      bars(d.pushes.by_state.map(s => ({name: s.name, value: s.count, text: s.count + ' 条', link: s.link, tone: s.status})), 'push-states')));
  mount(lower,
    panel('风险标识', null, null, f.by_flag.length
      ? listOf(f.by_flag.map(x => [x.name, x.count + ' 户', x.link]), 'flag-list')
      : h('p', {class: 'muted'}, '没有未解除的风险标识')),
    panel('重点村', null, null, f.priority_villages.length
      ? listOf(f.priority_villages.map(x => [x.town_name + ' ' + x.region_name, x.detail || (x.year + ' 年'), x.link]), 'priority-villages')
      : h('p', {class: 'muted'}, '没有重点村')));

  const statuses = ['paid', 'scheduled', 'overdue', 'failed', 'returned'];
  months.setOption({
    xAxis: {data: p.months.map(m => m.month.slice(5) + '月')},
    series: statuses.map(s => ({
      name: p.status_names[s], type: 'bar', stack: 'all', itemStyle: {color: statusColors[s]},
      data: p.months.map(m => ({value: m.by_status[s].count, link: m.by_status[s].link})),
    })),
  });
  // By village: plain bars (links), cheaper to draw than charts and easier
  // to read with village names.
  mount(overdueEl, p.overdue_by_village.length
    ? bars(p.overdue_by_village.slice(0, 15).map(x => ({name: x.town_name + ' ' + x.region_name, value: x.count,
      text: num(x.count) + ' 笔', link: x.link, tone: 'overdue', title: yuan(x.amount_fen) + ' 元'})), 'overdue-villages')
    : h('p', {class: 'muted'}, '没有逾期未发的补贴'));
  mount(visitsEl, bars(v.by_village.map(x => ({name: x.town_name + ' ' + x.region_name, value: x.share * 100, max: 100, text: pct(x.share),
    link: x.uncovered.link, tone: x.share >= 0.9 ? 'resolved' : x.share >= 0.7 ? 'acknowledged' : 'dead',
    title: x.covered.count + ' / ' + x.paired.count + ' 户'})), 'coverage-villages'));
  // Visits the household said never happened: where a made-up visit shows.
  mount(deniedEl, listOf([['本月农户否认的走访', num(v.denied_this_month.count) + ' 次', v.denied_this_month.link]], 'visit-denied'));
  performance.mark('dashboard:charts');
}

// chart sets a chart up with its axes; the data comes with setOption later.
function chart(ec, el, option) {
  const c = ec.init(el, null, {renderer: 'canvas'});
  c.setOption({animation: false, textStyle: {fontFamily: 'inherit'}, ...option});
  c.on('click', e => { if (e.data && e.data.link) location.hash = e.data.link; });
  live.push(c);
  return c;
}

function card(title, value, sub, link, tone, id) {
  return h('a', {class: 'card card-' + tone, href: link, id},
    h('div', {class: 'card-title'}, title), h('div', {class: 'card-value'}, value), h('div', {class: 'card-sub'}, sub));
}

function panel(title, chartEl, note, ...extra) {
  return h('section', {class: 'panel'}, h('h2', {}, title), chartEl, ...extra, note ? h('p', {class: 'note'}, note) : null);
}

// bars draws figures as plain HTML bars, each a link to its list: cheaper
// than a chart for a dozen numbers, and easy to read with Chinese names.
function bars(rows, id) {
  const top = Math.max(1, ...rows.map(r => r.max || r.value));
  return h('ul', {class: 'bars', id}, rows.map(r => {
    const fill = h('span', {class: 'bar-value tone-' + r.tone});
    fill.style.width = Math.max(r.value ? 2 : 0, Math.round(r.value / top * 100)) + '%';
    return h('li', {}, h('a', {href: r.link, title: r.title || ''}, h('span', {class: 'bar-name'}, r.name), h('span', {class: 'bar-track'}, fill), h('strong', {}, r.text)));
  }));
}

function listOf(rows, id) {
  return h('ul', {class: 'figures', id}, rows.map(([name, value, link]) => h('li', {}, h('a', {href: link}, h('span', {}, name), h('strong', {}, value)))));
}

window.addEventListener('resize', () => { for (const c of live) c.resize(); });
