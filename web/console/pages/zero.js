// zero.js: 零就业家庭 — GET /admin/api/zero-employment (by village) and
// /admin/api/zero-employment/households?village= (issue 6); export
// /admin/api/exports/zero-employment.xlsx (issue 10).

import {h, pick} from '../lib/dom.js';
import {url} from '../lib/api.js';
import {list} from '../lib/list.js';
import {label, labourNames} from '../lib/format.js';

export function render(view, {query}) {
  const village = query.region && query.region.length === 12 && !query.region.endsWith('000') ? query.region : '';
  const common = {path: 'zero-employment', query, awaits: '零就业家庭，问题 6',
    filters: [{name: 'region', label: '地区', type: 'region'}],
    exportHref: q => url('/exports/zero-employment.xlsx', {region: q.region}),
    intro: h('p', {class: 'muted'}, '有劳动能力且有务工意愿、但家中无人就业的家庭（零就业家庭动态清零）。选择一个村可查看户名单。')};
  if (!village) {
    return list(view, {...common, title: '零就业家庭', endpoint: '/zero-employment', params: q => ({region: q.region}),
      summary: d => d.total_households !== undefined ? h('div', {class: 'sums'}, h('strong', {}, '合计 ', d.total_households, ' 户，', d.total_workers, ' 名劳动力')) : null,
      columns: [
        {label: '村', value: r => h('a', {href: '#/zero-employment?region=' + r.region_code}, pick(r, 'region_name', 'region_code'))},
        {label: '零就业家庭（户）', value: r => pick(r, 'households'), class: 'num'},
        {label: '可就业劳动力（人）', value: r => pick(r, 'workers'), class: 'num'},
      ]});
  }
  return list(view, {...common, title: '零就业家庭名单', endpoint: '/zero-employment/households', params: q => ({village: q.region, cursor: q.cursor}),
    columns: [
      {label: '户编号', value: r => h('a', {href: '#/households/' + pick(r, 'id', 'household_id')}, pick(r, 'household_no'))},
      {label: '户主', value: r => pick(r, 'head_name')},
      {label: '村', value: r => pick(r, 'region_name')},
      {label: '劳动力', value: r => (r.workers || []).map(w => w.name + '（' + label(labourNames, w.labour_capacity) + (w.has_job_profile ? '，已填求职意向' : '') + '）').join('；')},
      {label: '务工中断', value: r => r.job_lost ? h('span', {class: 'tag tag-danger'}, '是') : ''},
    ]});
}
