// overdue.js: payments overdue — GET /admin/api/payments/overdue (issue 5),
// export /admin/api/exports/overdue-payments.xlsx (issue 10).

import {url} from '../lib/api.js';
import {list} from '../lib/list.js';
import {columns, sums, awaits} from './payments.js';

export function render(view, {query}) {
  return list(view, {
    title: '逾期未发的补贴', path: 'overdue', query, endpoint: '/payments/overdue', awaits,
    filters: [
      {name: 'region', label: '地区', type: 'region'},
      {name: 'item', label: '项目代码', type: 'text', placeholder: '如 dibao'},
      {name: 'due_from', label: '应发日期从', type: 'date'},
      {name: 'due_to', label: '至', type: 'date'},
    ],
    exportHref: q => url('/exports/overdue-payments.xlsx', q),
    summary: sums,
    columns,
    empty: '没有逾期未发的补贴',
  });
}
