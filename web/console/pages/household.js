// household.js: one household's file. Opening it is recorded in the audit
// log (the server writes household.read before it answers).

import {h, mount} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {heading} from '../lib/page.js';
import {yuan, date, datetime, label, classNames, labourNames, employmentNames, paymentStatusNames, reportStatusNames} from '../lib/format.js';

export async function render(view, {params}) {
  const d = await api.get('/households/' + encodeURIComponent(params.id));
  const table = (cols, rows, empty) => rows.length === 0 ? h('p', {class: 'muted'}, empty) : h('div', {class: 'table-wrap'}, h('table', {class: 'table'},
    h('thead', {}, h('tr', {}, cols.map(c => h('th', {}, c[0])))),
    h('tbody', {}, rows.map(r => h('tr', {}, cols.map(c => h('td', {}, c[1](r))))))));
  mount(view,
    heading(d.head_name + '户（' + d.household_no + '）', h('a', {class: 'btn btn-plain', href: '#/households?region=' + d.region_code}, '返回本村名单')),
    h('p', {class: 'notice notice-info'}, '查看农户详情会记入审计日志。证件号码和电话已脱敏显示。'),
    h('dl', {class: 'facts'},
      fact('地区', [d.town_name, d.village_name].filter(Boolean).join(' ')),
      fact('地址', d.address),
      fact('户类别', d.class_name || label(classNames, d.class)),
      fact('帮扶等级', d.support_level === 'elevated' ? '提级帮扶' : '常规帮扶'),
      fact('人口 / 劳动力', d.size + ' 人 / ' + d.labour_count + ' 人'),
      fact('联系电话', d.phone_masked),
      fact('风险标识', (d.flags || []).length ? d.flags.map(f => h('span', {class: 'tag tag-danger', title: f.detail || ''}, f.name)) : '无'),
      fact('最近走访', datetime(d.last_visit_at) || '无记录')),
    section('家庭成员', table([
      ['姓名', m => m.name], ['关系', m => m.relation], ['性别', m => m.gender === 'F' ? '女' : m.gender === 'M' ? '男' : ''],
      ['年龄', m => m.age || ''], ['身份证号', m => m.id_card_masked], ['电话', m => m.phone_masked],
      ['劳动能力', m => label(labourNames, m.labour_capacity)], ['就业', m => label(employmentNames, m.employment_status)],
      ['残疾', m => m.disability], ['微信', m => m.bound ? '已绑定' : ''],
    ], d.members, '没有成员记录')),
    section('帮扶干部', table([
      ['姓名', p => h('a', {href: '#/cadres/' + p.cadre_id}, p.cadre_name)], ['角色', p => p.role_name], ['结对日期', p => date(p.started_on)],
      ['结束日期', p => date(p.ended_on) || h('span', {class: 'tag tag-ok'}, '在帮')],
    ], d.pairings, '尚未结对')),
    section('家庭收入', table([
      ['年度', r => r.year], ['工资性', r => yuan(r.wage_fen)], ['生产经营性', r => yuan(r.business_fen)], ['转移性', r => yuan(r.transfer_fen)],
      ['财产性', r => yuan(r.property_fen)], ['人口', r => r.household_size], ['人均纯收入（元）', r => yuan(r.per_capita_fen)],
    ], d.incomes, '没有收入记录')),
    section('增收计划', d.plan ? h('dl', {class: 'facts'},
      fact('帮扶措施', d.plan.measures),
      fact('责任人', d.plan.responsible),
      fact('目标人均纯收入', yuan(d.plan.target_fen) + ' 元'),
      fact('复核日期', date(d.plan.review_date)),
      fact('录入时间', datetime(d.plan.recorded_at))) :
      h('p', {class: 'muted'}, d.support_level === 'elevated' ? '提级帮扶户尚未制定增收计划' : '没有增收计划')),
    section('一卡通发放', table([
      ['项目', p => p.item_name || p.item_code], ['期间', p => p.period], ['金额（元）', p => yuan(p.amount_fen)], ['应发日期', p => date(p.due_date)],
      ['发放日期', p => date(p.paid_date)], ['状态', p => h('span', {class: 'status status-' + p.status}, p.status_name || label(paymentStatusNames, p.status))],
      ['领取人', p => p.member_name], ['失败原因', p => p.failure_reason],
    ], d.payments, '没有发放记录')),
    section('走访记录', table([
      ['时间', v => datetime(v.visited_at)], ['干部', v => v.cadre_name], ['定位', v => ({ok: '正常', far: '偏离住址', missing: '无定位', unknown: '—'})[v.location_flag] || v.location_flag],
      ['农户确认', v => ({pending: '未确认', confirmed: '已确认', denied: '否认'})[v.confirmation] || v.confirmation], ['记录', v => v.notes],
    ], d.visits, '没有走访记录')),
    section('问题反映与申报', table([
      ['提交时间', r => datetime(r.created_at)], ['类型', r => r.type === 'risk' ? '自主申报' : '问题反映'], ['内容', r => r.text],
      ['状态', r => r.status_name || label(reportStatusNames, r.status)], ['答复', r => r.answer], ['办结时限', r => date(r.final_deadline)],
    ], d.reports, '没有记录')),
  );
}

function fact(name, value) {
  return [h('dt', {}, name), h('dd', {}, value || '—')];
}

function section(title, body) {
  return h('section', {class: 'panel'}, h('h2', {}, title), body);
}
