// reports.js: 问题反映 and 自主申报 — GET /admin/api/reports, answered here
// with POST /admin/api/reports/{id}/acknowledge|resolve|reject (issue 5);
// late cases export /admin/api/exports/late-reports.xlsx (issue 10).

import {h, pick} from '../lib/dom.js';
import {api, url} from '../lib/api.js';
import {list} from '../lib/list.js';
import {ask, toast} from '../lib/dialog.js';
import {go} from '../lib/router.js';
import {datetime, date, label, reportStatusNames} from '../lib/format.js';

const actions = {
  acknowledge: {name: '受理', title: '受理', prompt: '告诉群众正在怎么办（会推送给提交人）', confirm: '受理并答复'},
  resolve: {name: '办结', title: '办结', prompt: '办理结果（会推送给提交人）', confirm: '办结并答复'},
  reject: {name: '不予受理', title: '不予受理', prompt: '说明原因（会推送给提交人）', confirm: '确定', danger: true},
};

// params turns the console's links into the API's filters: "unfinished"
// means open and acknowledged; filed_from and filed_to bound the filing date.
function params(q) {
  const p = {...q};
  if (p.status === 'unfinished') { delete p.status; p.unfinished = 'true'; }
  return p;
}

export function render(view, {query}) {
  return list(view, {
    title: '问题反映与申报', path: 'reports', query, endpoint: '/reports', awaits: '诉求办理，问题 5', params,
    filters: [
      {name: 'region', label: '地区', type: 'region'},
      {name: 'type', label: '类型', type: 'select', options: [['', '全部'], ['payment', '问题反映'], ['risk', '自主申报']]},
      {name: 'status', label: '状态', type: 'select', options: [['', '全部'], ['unfinished', '未办结'], ...Object.entries(reportStatusNames)]},
      {name: 'late', label: '超期', type: 'select', options: [['', '不限'], ['true', '已超期']]},
    ],
    exportHref: q => url('/exports/late-reports.xlsx', {region: q.region}),
    columns: [
      {label: '提交时间', value: r => datetime(pick(r, 'created_at'))},
      {label: '农户', value: r => h('a', {href: '#/households/' + pick(r, 'household_id')}, [pick(r, 'head_name'), pick(r, 'household_no')].filter(Boolean).join(' '))},
      {label: '类型', value: r => (pick(r, 'type') === 'risk' ? '自主申报' : '问题反映') + (pick(r, 'kind_label') ? '：' + r.kind_label : '')},
      {label: '内容', value: r => h('div', {class: 'report-text'}, pick(r, 'text'),
        r.payment ? h('div', {class: 'muted'}, [r.payment.item_name, r.payment.period_label || r.payment.period].filter(Boolean).join(' ')) : null)},
      {label: '状态', value: r => h('span', {class: 'status status-' + r.status + (r.late ? ' status-late' : '')},
        pick(r, 'status_label') || label(reportStatusNames, r.status), r.late ? '（超期）' : '')},
      {label: '办结时限', value: r => date(pick(r, 'final_deadline'))},
      {label: '答复', value: r => pick(r, 'answer')},
      {label: '操作', value: r => buttons(r, query)},
    ],
  });
}

function buttons(r, query) {
  const can = r.status === 'open' ? ['acknowledge', 'resolve', 'reject'] : r.status === 'acknowledged' ? ['resolve', 'reject'] : [];
  return h('div', {class: 'row-actions'}, can.map(a => h('button', {
    type: 'button', class: 'btn btn-small' + (actions[a].danger ? ' btn-danger' : ''), dataset: {action: a, report: r.id},
    onclick: () => answer(r, a, query),
  }, actions[a].name)));
}

async function answer(r, action, query) {
  const a = actions[action];
  const out = await ask({title: a.title + '：' + (r.head_name || '') + '户的' + (r.type === 'risk' ? '申报' : '问题反映'), message: r.text,
    input: {label: a.prompt, multiline: true, maxlength: 500}, confirmText: a.confirm, danger: a.danger});
  if (!out.ok) return;
  try {
    await api.post('/reports/' + r.id + '/' + action, {answer: out.value});
    toast('已' + a.name + '，答复已发送给群众');
    go('reports', query, true);
  } catch (e) {
    toast(e.message, 'error');
  }
}
