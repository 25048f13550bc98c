// villages.js: 重点村 — GET /admin/api/flags/villages (issue 7).

import {h, pick} from '../lib/dom.js';
import {list} from '../lib/list.js';
import {date, num} from '../lib/format.js';

export function render(view, {query}) {
  return list(view, {
    title: '重点村', path: 'flags/villages', query, endpoint: '/flags/villages', awaits: '风险研判，问题 7',
    filters: [{name: 'region', label: '地区', type: 'region'}],
    intro: h('p', {class: 'muted'}, '监测户占农村人口 3% 以上，或脱贫人口和监测对象占 5% 及以上且在 500 人以上的村。'),
    columns: [
      {label: '村', value: r => h('a', {href: '#/households?region=' + r.region_code}, pick(r, 'name', 'region_name', 'region_code'))},
      {label: '农村人口', value: r => num(pick(r, 'rural_population')), class: 'num'},
      {label: '年度', value: r => pick(r, 'year')},
      {label: '认定依据', value: r => { const d = pick(r, 'detail'); return typeof d === 'object' ? JSON.stringify(d) : d; }},
      {label: '认定时间', value: r => date(pick(r, 'raised_at'))},
    ],
    empty: '没有重点村',
  });
}
