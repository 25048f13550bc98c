// jobs.js: job postings — GET/POST /admin/api/jobs, PUT /admin/api/jobs/{id},
// POST /admin/api/jobs/{id}/close (issue 6).

import {h, pick} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {list} from '../lib/list.js';
import {ask, toast} from '../lib/dialog.js';
import {go} from '../lib/router.js';
import {date, label, jobKindNames, wageUnitNames} from '../lib/format.js';

const statusNames = {open: '招聘中', closed: '已关闭', expired: '已过期', full: '已招满'};

export function render(view, {query}) {
  const create = h('button', {type: 'button', class: 'btn btn-primary', id: 'job-create', onclick: () => edit(null, query)}, '发布岗位');
  return list(view, {
    title: '岗位管理', path: 'jobs', query, endpoint: '/jobs', awaits: '岗位管理，问题 6', actions: [create],
    filters: [
      {name: 'q', label: '关键词', type: 'text', placeholder: '岗位或单位名称'},
      {name: 'kind', label: '类别', type: 'select', options: [['', '全部'], ...Object.entries(jobKindNames)]},
      {name: 'status', label: '状态', type: 'select', options: [['', '全部'], ...Object.entries(statusNames)]},
      {name: 'region', label: '地区', type: 'region'},
    ],
    columns: [
      {label: '岗位', value: r => h('div', {}, h('strong', {}, r.title), h('div', {class: 'muted'}, r.employer))},
      {label: '类别', value: r => pick(r, 'kind_name') || label(jobKindNames, r.kind)},
      {label: '地点', value: r => pick(r, 'region_name', 'address')},
      {label: '薪资', value: r => wage(r)},
      {label: '招聘 / 剩余', value: r => (r.headcount || 0) + ' / ' + pick(r, 'remaining', 'headcount'), class: 'num'},
      {label: '报名', value: r => pick(r, 'interests') || 0, class: 'num'},
      {label: '有效期至', value: r => date(r.valid_until)},
      {label: '状态', value: r => h('span', {class: 'status status-' + r.status}, label(statusNames, r.status))},
      {label: '操作', value: r => h('div', {class: 'row-actions'},
        h('button', {type: 'button', class: 'btn btn-small', onclick: () => edit(r, query)}, '编辑'),
        r.status !== 'closed' ? h('button', {type: 'button', class: 'btn btn-small btn-danger', dataset: {close: r.id}, onclick: () => close(r, query)}, '关闭') : null)},
    ],
  });
}

function wage(r) {
  const lo = Math.round((r.wage_min_fen || 0) / 100), hi = Math.round((r.wage_max_fen || 0) / 100);
  return (lo === hi ? lo : lo + '–' + hi) + ' ' + label(wageUnitNames, r.wage_unit);
}

async function close(r, query) {
  const out = await ask({title: '关闭岗位', message: '关闭后群众将看不到“' + r.title + '”，已报名的记录保留。', confirmText: '关闭岗位', danger: true});
  if (!out.ok) return;
  try {
    await api.post('/jobs/' + r.id + '/close');
    toast('岗位已关闭');
    go('jobs', query, true);
  } catch (e) { toast(e.message, 'error'); }
}

async function edit(job, query) {
  const {jobDialog} = await import('./jobform.js');
  const saved = await jobDialog(job);
  if (saved) go('jobs', query, true);
}
