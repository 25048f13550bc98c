// visits.js: visit records — GET /admin/api/visits (issue 7); export of
// households not visited in their period (issue 10).

import {h, pick} from '../lib/dom.js';
import {url} from '../lib/api.js';
import {list} from '../lib/list.js';
import {datetime} from '../lib/format.js';

const location = {ok: '正常', far: '偏离住址', missing: '无定位', unknown: '—'};
const confirmation = {pending: '未确认', confirmed: '已确认', denied: '农户否认'};

export function render(view, {query}) {
  return list(view, {
    title: '走访记录', path: 'visits', query, endpoint: '/visits', awaits: '走访记录查询，问题 7',
    intro: h('p', {class: 'muted'}, '未按期走访的农户见', h('a', {href: '#/households?visit=overdue'}, '农户名单'), '。'),
    filters: [
      {name: 'region', label: '地区', type: 'region'},
      {name: 'location_flag', label: '定位', type: 'select', options: [['', '全部'], ['far', '偏离住址'], ['missing', '无定位']]},
      {name: 'confirmation', label: '农户确认', type: 'select', options: [['', '全部'], ...Object.entries(confirmation)]},
      {name: 'since', label: '走访日期从', type: 'date'},
      {name: 'until', label: '至（不含）', type: 'date'},
    ],
    exportHref: q => url('/exports/unvisited-households.xlsx', {region: q.region}),
    columns: [
      {label: '走访时间', value: r => datetime(pick(r, 'visited_at'))},
      {label: '户编号', value: r => h('a', {href: '#/households/' + pick(r, 'household_id', 'household.id')}, pick(r, 'household_no', 'household.household_no', 'household_id'))},
      {label: '户主', value: r => pick(r, 'head_name', 'household.head_name')},
      {label: '干部', value: r => pick(r, 'cadre_name', 'cadre.name')},
      {label: '定位', value: r => { const f = pick(r, 'location_flag'); return location[f] || f; }},
      {label: '距住址（米）', value: r => { const d = pick(r, 'distance_m'); return d === undefined ? '' : Math.round(d); }, class: 'num'},
      {label: '农户确认', value: r => { const c = pick(r, 'confirmation', 'confirmation.status'); return confirmation[c] || c; }},
      {label: '记录', value: r => pick(r, 'notes')},
    ],
  });
}
