// cadres.js: cadres serving in the region — GET /admin/api/cadres, with
// invite codes (POST /admin/api/cadres/{id}/invites) and XLSX export. A
// cadre who left stays listed, marked 离岗 (the 状态 filter hides them).

import {h} from '../lib/dom.js';
import {url} from '../lib/api.js';
import {list} from '../lib/list.js';
import {cadreKindNames, cadreStatusNames} from '../lib/format.js';
import {invite} from './cadre.js';

export function render(view, {query}) {
  return list(view, {
    title: '帮扶干部', path: 'cadres', query, endpoint: '/cadres',
    filters: [
      {name: 'region', label: '地区', type: 'region'},
      {name: 'kind', label: '类别', type: 'select', options: [['', '全部'], ...Object.entries(cadreKindNames)]},
      {name: 'status', label: '状态', type: 'select', options: [['', '全部'], ...Object.entries(cadreStatusNames)]},
      {name: 'q', label: '姓名', type: 'text', placeholder: '输入姓名'},
    ],
    exportHref: q => url('/cadres.xlsx', q),
    columns: [
      {label: '姓名', value: r => [h('a', {href: '#/cadres/' + r.id}, r.name), r.status === 'left' ? h('span', {class: 'tag'}, '离岗') : null]},
      {label: '类别', value: r => r.kind_name},
      {label: '单位 / 职务', value: r => [r.organization, r.position].filter(Boolean).join(' ')},
      {label: '服务地区', value: r => r.region_name || r.region_code},
      {label: '电话', value: r => r.phone_masked},
      {label: '结对户', value: r => r.paired_households, class: 'num'},
      {label: '走访逾期', value: r => r.visits_overdue ? h('span', {class: 'tag tag-danger'}, r.visits_overdue + ' 户') : '0', class: 'num'},
      {label: '近30天走访', value: r => r.visits_30d, class: 'num'},
      {label: '微信', value: r => r.bound ? '已绑定' : r.status === 'left' ? '—' : h('button', {type: 'button', class: 'btn btn-small', onclick: () => invite(r)}, '生成邀请码')},
    ],
  });
}
