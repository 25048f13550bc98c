// cadre.js: one cadre and their pairings — GET /admin/api/cadres/{id},
// POST /admin/api/pairings and /admin/api/pairings/{id}/end, and the cadre
// leaving their post (POST /admin/api/cadres/{id}/leave, /return).

import {h, mount} from '../lib/dom.js';
import {api, ApiError} from '../lib/api.js';
import {heading} from '../lib/page.js';
import {ask, toast} from '../lib/dialog.js';
import {go} from '../lib/router.js';
import {date, datetime, pairingRoleNames} from '../lib/format.js';

// invite issues a one-time code the cadre types into the mini-program to
// bind their WeChat; it is shown once.
export async function invite(c) {
  try {
    const inv = await api.post('/cadres/' + c.id + '/invites');
    await ask({title: c.name + ' 的邀请码', message: '邀请码：' + inv.code + '，' + datetime(inv.expires_at) + ' 前有效，只显示这一次。请当面或电话告知本人，在小程序“干部绑定”中输入。', confirmText: '我已记下'});
  } catch (e) {
    toast(e.message, 'error');
  }
}

export async function render(view, {params, query}) {
  const c = await api.get('/cadres/' + encodeURIComponent(params.id));
  const rows = c.pairings.map(p => h('tr', {},
    h('td', {}, h('a', {href: '#/households/' + p.household_id}, p.household_no)), h('td', {}, p.head_name),
    h('td', {}, p.role_name), h('td', {}, date(p.started_on)),
    h('td', {}, p.active ? h('button', {type: 'button', class: 'btn btn-small btn-danger', dataset: {pairing: p.id}, onclick: () => end(p, params, query)}, '结束结对') : date(p.ended_on))));
  const role = h('select', {class: 'input', name: 'role'}, Object.entries(pairingRoleNames).map(([v, l]) => h('option', {value: v}, l)));
  const no = h('input', {class: 'input', name: 'household_no', placeholder: '户编号'});
  const add = h('form', {class: 'filters', id: 'pair-form'}, h('label', {class: 'filter'}, h('span', {}, '户编号'), no),
    h('label', {class: 'filter'}, h('span', {}, '角色'), role), h('button', {type: 'submit', class: 'btn btn-primary'}, '新增结对'));
  add.addEventListener('submit', e => { e.preventDefault(); pair(c, no.value.trim(), role.value, params, query); });
  if (c.status === 'left') add.hidden = true; // pairing a cadre not in post is refused
  mount(view,
    heading(c.name, ...(c.status === 'left'
      ? [h('span', {class: 'tag', id: 'cadre-status'}, '离岗'), h('button', {type: 'button', class: 'btn', onclick: () => back(c, params, query)}, '恢复在岗')]
      : [c.bound ? h('span', {class: 'tag tag-ok'}, '已绑定微信') : h('button', {type: 'button', class: 'btn', onclick: () => invite(c)}, '生成邀请码'),
        h('button', {type: 'button', class: 'btn btn-danger', id: 'leave', onclick: () => leave(c, params, query)}, '离岗')]),
      h('a', {class: 'btn btn-plain', href: '#/cadres?region=' + c.region_code}, '返回干部名单')),
    h('dl', {class: 'facts'},
      [['类别', c.kind_name], ['单位', c.organization], ['职务', c.position], ['服务地区', c.region_name], ['电话', c.phone_masked],
        ['结对户', c.paired_households + ' 户'], ['走访逾期', c.visits_overdue + ' 户'], ['近30天走访', c.visits_30d + ' 次']]
        .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')])),
    h('section', {class: 'panel'}, h('h2', {}, '结对农户'), add,
      rows.length ? h('div', {class: 'table-wrap'}, h('table', {class: 'table', id: 'pairings'},
        h('thead', {}, h('tr', {}, ['户编号', '户主', '角色', '结对日期', '状态'].map(t => h('th', {}, t)))), h('tbody', {}, rows)))
        : h('p', {class: 'muted'}, '尚无结对农户')));
}

async function pair(c, householdNo, role, params, query) {
  if (!householdNo) return toast('请输入户编号', 'error');
  try {
    const found = await api.get('/households', {q: householdNo, limit: 2});
    const h0 = (found.items || []).find(x => x.household_no === householdNo);
    if (!h0) return toast('本辖区没有户编号为 ' + householdNo + ' 的农户', 'error');
    try {
      await api.post('/pairings', {cadre_id: c.id, household_id: h0.id, role});
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'role_taken') throw e;
      const ok = await ask({title: '更换帮扶责任人', message: h0.head_name + '户已有帮扶责任人。是否结束原结对，改由 ' + c.name + ' 帮扶？', confirmText: '更换'});
      if (!ok.ok) return;
      await api.post('/pairings', {cadre_id: c.id, household_id: h0.id, role, replace: true});
    }
    toast('已结对：' + h0.head_name + '户');
    go('cadres/' + params.id, query, true);
  } catch (e) {
    toast(e.message, 'error');
  }
}

async function end(p, params, query) {
  const ok = await ask({title: '结束结对', message: '结束与 ' + p.head_name + '户（' + p.household_no + '）的结对？记录会保留。', confirmText: '结束结对', danger: true});
  if (!ok.ok) return;
  try {
    await api.post('/pairings/' + p.id + '/end');
    toast('已结束结对');
    go('cadres/' + params.id, query, true);
  } catch (e) {
    toast(e.message, 'error');
  }
}

// today is the local date as YYYY-MM-DD (officials' browsers keep the
// county's time).
function today() {
  const d = new Date();
  return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
}

// leave takes the cadre out of post on a day the official picks: the
// server ends their pairings and hands their open cases on in one step, so
// the question says what will happen before it does.
async function leave(c, params, query) {
  const active = c.pairings.filter(p => p.active).length;
  const ok = await ask({
    title: c.name + ' 离岗',
    message: (active ? '将于离岗日结束 ' + active + ' 户的结对，' : '') + '其未办结的问题反映转交接手干部，未用的邀请码作废，小程序登录立即失效。记录会保留。',
    input: {label: '离岗日期', type: 'date', value: today()},
    confirmText: '确认离岗', danger: true,
  });
  if (!ok.ok) return;
  try {
    const out = await api.post('/cadres/' + c.id + '/leave', {on: ok.value});
    toast('已离岗：结束结对 ' + out.pairings_ended + ' 户，转交问题 ' + out.reports_moved + ' 件');
    go('cadres/' + params.id, query, true);
  } catch (e) {
    toast(e.message, 'error');
  }
}

// back puts a cadre who left in post again; pairings are not restored.
async function back(c, params, query) {
  const ok = await ask({title: c.name + ' 恢复在岗', message: '恢复后可重新结对、发放邀请码；原结对不会自动恢复。', confirmText: '恢复在岗'});
  if (!ok.ok) return;
  try {
    await api.post('/cadres/' + c.id + '/return');
    toast('已恢复在岗');
    go('cadres/' + params.id, query, true);
  } catch (e) {
    toast(e.message, 'error');
  }
}
