// list.js: a filtered, paged table bound to the address bar. Each list page
// describes its filters and columns; this module fetches, draws, pages with
// "加载更多" and offers the XLSX export when there is one.

import {h, mount} from './dom.js';
import {api} from './api.js';
import {go} from './router.js';
import {heading, failure} from './page.js';
import {regionOptions} from './regions.js';

// list draws the page into view. spec:
//   title, path (console route), query (current), endpoint (API path),
//   awaits (who delivers the API, shown while it is missing),
//   filters [{name, label, type: select|text|region|date, options, placeholder}],
//   columns [{label, value: row => text or node, class}],
//   params(query) → API parameters (default: the query as it is),
//   exportHref(query) → a download link or null,
//   summary(data) → a node above the table, actions → nodes beside the title,
//   itemsOf(data) → rows (default data.items), empty → text when none.
export async function list(view, spec) {
  const query = spec.query || {};
  const form = filterForm(spec, query);
  const body = h('tbody');
  const table = h('table', {class: 'table'}, h('thead', {}, h('tr', {}, spec.columns.map(c => h('th', {class: c.class}, c.label)))), body);
  const status = h('div', {class: 'list-status'});
  const more = h('button', {type: 'button', class: 'btn btn-plain more', hidden: true}, '加载更多');
  const summary = h('div', {class: 'summary'});
  const wrap = h('div', {class: 'table-wrap'}, table);
  const exportLink = spec.exportHref ? spec.exportHref(query) : null;
  const actions = [...(spec.actions || [])];
  if (exportLink) actions.push(h('a', {class: 'btn', href: exportLink, download: '', id: 'export'}, '导出 Excel'));
  mount(view, heading(spec.title, ...actions), spec.intro || null, form, summary, wrap, status, more);

  const params = spec.params ? spec.params(query) : {...query};
  let shown = 0;
  const draw = (data) => {
    const items = (spec.itemsOf ? spec.itemsOf(data) : data && data.items) || [];
    for (const row of items) body.appendChild(h('tr', {}, spec.columns.map(c => h('td', {class: c.class}, cell(c, row)))));
    shown += items.length;
    status.textContent = shown === 0 ? (spec.empty || '没有符合条件的记录') : '已显示 ' + shown + ' 条' + (data && data.next_cursor ? '' : '，已全部显示');
    more.hidden = !(data && data.next_cursor);
    more.dataset.cursor = (data && data.next_cursor) || '';
  };
  more.addEventListener('click', async () => {
    more.disabled = true;
    try { draw(await api.get(spec.endpoint, {...params, cursor: more.dataset.cursor})); }
    catch (e) { status.replaceChildren(failure(e, spec.awaits)); }
    more.disabled = false;
  });
  try {
    const data = await api.get(spec.endpoint, params);
    if (spec.summary) mount(summary, spec.summary(data));
    draw(data);
  } catch (e) {
    wrap.hidden = true;
    status.replaceChildren(failure(e, spec.awaits));
  }
}

function cell(col, row) {
  try {
    const v = col.value(row);
    return v === undefined || v === null ? '' : v;
  } catch (e) {
    return '';
  }
}

function filterForm(spec, query) {
  if (!spec.filters || spec.filters.length === 0) return null;
  const fields = spec.filters.map(f => {
    let input;
    if (f.type === 'select' || f.type === 'region') {
      input = h('select', {name: f.name, class: 'input'}, (f.options || [['', '全部']]).map(([v, l]) => h('option', {value: v}, l)));
      if (f.type === 'region') {
        regionOptions().then(opts => {
          input.replaceChildren(...opts.map(([v, l]) => h('option', {value: v}, l)));
          input.value = query[f.name] || '';
        }).catch(() => {});
      }
      input.value = query[f.name] || '';
      input.addEventListener('change', () => form.requestSubmit());
    } else {
      input = h('input', {name: f.name, class: 'input', type: f.type === 'date' ? 'date' : 'search', placeholder: f.placeholder || '', value: query[f.name] || ''});
    }
    return h('label', {class: 'filter'}, h('span', {}, f.label), input);
  });
  const form = h('form', {class: 'filters', role: 'search'}, fields,
    h('button', {type: 'submit', class: 'btn btn-primary'}, '查询'),
    h('a', {class: 'btn btn-plain', href: '#/' + spec.path}, '重置'));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const next = {...query};
    for (const f of spec.filters) next[f.name] = form.elements.namedItem(f.name).value.trim();
    go(spec.path, next);
  });
  return form;
}
