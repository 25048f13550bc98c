// imports.js: taking in the spreadsheets other systems hold — upload with
// POST /admin/api/imports, progress from GET /admin/api/imports/{id}, the
// rejected rows to download, and past runs from GET /admin/api/imports
// (issue 10).

import {h, mount, pick} from '../lib/dom.js';
import {api, url} from '../lib/api.js';
import {heading, failure} from '../lib/page.js';
import {toast} from '../lib/dialog.js';
import {datetime, num} from '../lib/format.js';

const kinds = {
  households: '农户', members: '家庭成员', payments: '一卡通发放', cadres: '帮扶干部', pairings: '结对关系', jobs: '岗位', regions: '行政区划',
};
const statuses = {queued: '排队中', running: '导入中', done: '已完成', rejected: '有错误，未导入', failed: '失败'};
const finished = s => s === 'done' || s === 'rejected' || s === 'failed';
const awaits = '数据导入，问题 10';

// reportHref is where a run's rejected rows can be downloaded (an Excel file).
export function reportHref(run) {
  return (run.links && run.links.report_xlsx) || url('/imports/' + run.id + '/report.xlsx');
}

export async function render(view) {
  const kind = h('select', {class: 'input', name: 'kind', id: 'import-kind'}, Object.entries(kinds).map(([v, l]) => h('option', {value: v}, l)));
  const mode = h('select', {class: 'input', name: 'mode', id: 'import-mode'},
    h('option', {value: 'all'}, '全部正确才导入（有错误时一行都不导入）'), h('option', {value: 'keep_good'}, '导入正确的行，跳过有错误的行'));
  const file = h('input', {class: 'input', type: 'file', name: 'file', id: 'import-file', accept: '.xlsx,.xls,.csv', required: true});
  const template = h('a', {class: 'btn btn-plain', id: 'import-template'}, '下载模板');
  const setTemplate = () => template.setAttribute('href', url('/import-templates/' + kind.value + '.xlsx'));
  kind.addEventListener('change', setTemplate);
  setTemplate();
  const progress = h('div', {id: 'import-progress'});
  const history = h('div', {id: 'import-history'});
  const form = h('form', {class: 'panel import-form', id: 'import-form'},
    h('h2', {}, '上传文件'),
    h('div', {class: 'filters'},
      h('label', {class: 'filter'}, h('span', {}, '数据类别'), kind),
      h('label', {class: 'filter'}, h('span', {}, '导入方式'), mode),
      h('label', {class: 'filter'}, h('span', {}, 'Excel 或 CSV 文件'), file),
      h('button', {type: 'submit', class: 'btn btn-primary', id: 'import-submit'}, '开始导入'), template),
    h('p', {class: 'note'}, '支持防返贫监测系统、一卡通系统导出的 Excel（.xlsx/.xls）和 CSV（含 GBK 编码）。同一文件重复导入不会重复写入。'));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (!file.files.length) return toast('请选择文件', 'error');
    const data = new FormData();
    data.set('kind', kind.value);
    data.set('mode', mode.value);
    data.set('file', file.files[0]);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const run = await api.upload('/imports', data);
      await follow(run, progress);
      loadHistory(history);
    } catch (err) {
      mount(progress, failure(err, awaits));
    }
    button.disabled = false;
  });
  mount(view, heading('数据导入'), form, progress, h('section', {class: 'panel'}, h('h2', {}, '导入记录'), history));
  await loadHistory(history);
}

// follow shows a run's progress until it finishes.
async function follow(run, el) {
  for (;;) {
    mount(el, runCard(run));
    if (finished(run.status)) return run;
    await new Promise(r => setTimeout(r, 800));
    run = await api.get('/imports/' + run.id);
  }
}

function runCard(run) {
  const total = pick(run, 'rows_total') || 0, done = pick(run, 'rows_done') || 0, rejected = pick(run, 'rows_rejected') || 0;
  const share = total ? Math.min(100, Math.round(done / total * 100)) : (finished(run.status) ? 100 : 0);
  const fill = h('div', {class: 'bar-fill'});
  fill.style.width = share + '%';
  return h('section', {class: 'panel run run-' + run.status, id: 'import-run', dataset: {status: run.status}},
    h('h2', {}, (kinds[run.kind] || run.kind || '') + '导入：' + (statuses[run.status] || run.status)),
    h('div', {class: 'bar', role: 'progressbar', 'aria-valuenow': share, 'aria-valuemin': 0, 'aria-valuemax': 100}, fill),
    h('p', {}, '已处理 ', num(done), ' / ', num(total), ' 行；新增 ', num(run.rows_created), '，更新 ', num(run.rows_updated), '，未变 ', num(run.rows_unchanged), '，有错误 ', num(rejected), ' 行。'),
    run.error ? h('p', {class: 'form-error'}, run.error) : null,
    rejected > 0 && finished(run.status) ? h('a', {class: 'btn btn-primary', id: 'import-report', href: reportHref(run), download: ''}, '下载未导入的行及原因') : null);
}

async function loadHistory(el) {
  try {
    const d = await api.get('/imports');
    const items = d.items || [];
    mount(el, items.length === 0 ? h('p', {class: 'muted'}, '还没有导入记录') : h('div', {class: 'table-wrap'}, h('table', {class: 'table'},
      h('thead', {}, h('tr', {}, ['时间', '类别', '文件', '状态', '总行数', '新增', '更新', '错误', ''].map(t => h('th', {}, t)))),
      h('tbody', {}, items.map(r => h('tr', {},
        h('td', {}, datetime(r.created_at)), h('td', {}, kinds[r.kind] || r.kind), h('td', {}, r.file_name), h('td', {}, statuses[r.status] || r.status),
        h('td', {class: 'num'}, num(r.rows_total)), h('td', {class: 'num'}, num(r.rows_created)), h('td', {class: 'num'}, num(r.rows_updated)),
        h('td', {class: 'num'}, num(r.rows_rejected)),
        h('td', {}, r.rows_rejected > 0 ? h('a', {href: reportHref(r), download: ''}, '下载错误报告') : '')))))));
  } catch (e) {
    mount(el, failure(e, awaits));
  }
}
