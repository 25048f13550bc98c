// payments.js: 一卡通 payments with sums — GET /admin/api/payments (issue 5).

import {h, pick} from '../lib/dom.js';
import {list} from '../lib/list.js';
import {yuan, date, num, label, paymentStatusNames} from '../lib/format.js';

export const awaits = '一卡通发放查询，问题 5';

// columns are shared with the overdue list.
export const columns = [
  {label: '户编号', value: r => h('a', {href: '#/households/' + pick(r, 'household_id', 'household.id')}, pick(r, 'household_no', 'household.household_no'))},
  {label: '户主', value: r => pick(r, 'head_name', 'household.head_name')},
  {label: '领取人', value: r => pick(r, 'member_name')},
  {label: '项目', value: r => pick(r, 'item_name', 'item_code')},
  {label: '期间', value: r => pick(r, 'period_label', 'period')},
  {label: '金额（元）', value: r => yuan(pick(r, 'amount_fen')), class: 'num'},
  {label: '应发日期', value: r => date(pick(r, 'due_date'))},
  {label: '发放日期', value: r => date(pick(r, 'paid_date'))},
  {label: '状态', value: r => { const s = pick(r, 'status'); return h('span', {class: 'status status-' + s}, pick(r, 'status_label', 'status_name') || label(paymentStatusNames, s)); }},
  // days_late: overdue (days to today) or paid late (迟发, days from due to paid).
  {label: '说明', value: r => [pick(r, 'failure_reason'), lateText(r)].filter(Boolean).join('；') },
];

function lateText(r) {
  const days = pick(r, 'days_late');
  if (!days) return '';
  return (pick(r, 'status') === 'paid' ? '迟发 ' : '已逾期 ') + days + ' 天';
}

// sums shows the totals the API returns beside the page of rows.
export function sums(data) {
  const total = pick(data, 'total', 'totals') || {};
  const by = pick(data, 'by_status') || {};
  const parts = Object.entries(by).map(([s, t]) => h('span', {class: 'sum'}, label(paymentStatusNames, s), ' ', num(t.count), ' 笔 ', yuan(t.amount_fen), ' 元'));
  if (total.count === undefined && parts.length === 0) return null;
  return h('div', {class: 'sums'}, h('strong', {}, '合计 ', num(total.count), ' 笔 ', yuan(total.amount_fen), ' 元'), parts);
}

export function render(view, {query}) {
  return list(view, {
    title: '一卡通发放明细', path: 'payments', query, endpoint: '/payments', awaits,
    filters: [
      {name: 'region', label: '地区', type: 'region'},
      {name: 'status', label: '状态', type: 'select', options: [['', '全部'], ...Object.entries(paymentStatusNames)]},
      {name: 'late', label: '迟发', type: 'select', options: [['', '全部'], ['true', '只看迟发']]},
      {name: 'item', label: '项目代码', type: 'text', placeholder: '如 dibao'},
      {name: 'period', label: '期间', type: 'text', placeholder: '如 2026-10'},
      {name: 'due_from', label: '应发日期从', type: 'date'},
      {name: 'due_to', label: '至', type: 'date'},
    ],
    summary: sums,
    columns,
  });
}
