// households.js: the household list — GET /admin/api/households, masked,
// filtered by region, class, support level, flag and visits; XLSX export.

import {h} from '../lib/dom.js';
import {url} from '../lib/api.js';
import {list} from '../lib/list.js';
import {date, label, classNames, supportNames, flagNames} from '../lib/format.js';

export function render(view, {query}) {
  const title = query.flag === 'any' ? '风险户' : query.visit === 'overdue' ? '未按期走访的农户' : '农户名单';
  return list(view, {
    title, path: 'households', query, endpoint: '/households',
    filters: [
      {name: 'region', label: '地区', type: 'region'},
      {name: 'class', label: '户类别', type: 'select', options: [['', '全部'], ['monitored', '全部监测对象'], ...Object.entries(classNames)]},
      {name: 'support_level', label: '帮扶等级', type: 'select', options: [['', '全部'], ...Object.entries(supportNames)]},
      {name: 'flag', label: '风险标识', type: 'select', options: [['', '不限'], ['any', '有任一标识'], ...Object.entries(flagNames).filter(([k]) => k !== 'priority_village')]},
      {name: 'visit', label: '走访', type: 'select', options: [['', '不限'], ['overdue', '未按期走访'], ['ok', '周期内已走访']]},
      {name: 'paired', label: '结对', type: 'select', options: [['', '不限'], ['yes', '已结对'], ['no', '未结对']]},
      {name: 'q', label: '户编号 / 户主', type: 'text', placeholder: '输入户编号或户主姓名'},
    ],
    exportHref: q => url('/households.xlsx', q),
    columns: [
      {label: '户编号', value: r => h('a', {href: '#/households/' + r.id, class: 'household-link'}, r.household_no)},
      {label: '户主', value: r => r.head_name},
      {label: '地区', value: r => [r.town_name, r.village_name].filter(Boolean).join(' ')},
      {label: '户类别', value: r => r.class_name || label(classNames, r.class)},
      {label: '帮扶等级', value: r => r.support_level === 'elevated' ? h('span', {class: 'tag tag-warn'}, '提级帮扶') : '常规'},
      {label: '人口', value: r => r.size, class: 'num'},
      {label: '联系电话', value: r => r.phone_masked},
      {label: '风险标识', value: r => (r.flags || []).map(f => h('span', {class: 'tag tag-danger', title: f.detail || ''}, f.name))},
      {label: '帮扶干部', value: r => (r.cadres || []).join('、')},
      {label: '最近走访', value: r => date(r.last_visit_at) || h('span', {class: 'muted'}, '无记录')},
    ],
  });
}
