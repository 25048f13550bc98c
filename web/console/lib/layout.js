// layout.js: the console's frame — navigation on the left, who is signed
// in and their region at the top, the current view in the middle.

import {h, mount} from './dom.js';

// nav lists the console's places, grouped as officials think of their work.
export const nav = [
  {group: '总览', items: [{path: 'dashboard', name: '工作台'}]},
  {group: '农户', items: [
    {path: 'households', name: '农户名单'},
    {path: 'households', query: {flag: 'any'}, name: '风险户', key: 'households-flagged'},
    {path: 'flags/villages', name: '重点村'},
  ]},
  {group: '一卡通', items: [{path: 'payments', name: '发放明细'}, {path: 'overdue', name: '逾期未发'}]},
  {group: '帮扶', items: [{path: 'visits', name: '走访记录'}, {path: 'cadres', name: '帮扶干部'}]},
  {group: '诉求', items: [{path: 'reports', name: '问题反映与申报'}, {path: 'unanswered', name: '未答复的咨询'}]},
  {group: '就业', items: [{path: 'jobs', name: '岗位管理'}, {path: 'zero-employment', name: '零就业家庭'}]},
  {group: '数据与消息', items: [
    {path: 'imports', name: '数据导入'},
    {path: 'outbox', name: '消息推送'},
    {path: 'audit', name: '审计日志'},
    {path: 'wxmock', name: '演示：微信收到的消息', demo: true},
  ]},
];

function linkOf(item) {
  const q = new URLSearchParams(item.query || {}).toString();
  return '#/' + item.path + (q ? '?' + q : '');
}

// frame draws the frame into root and returns the element views go in.
export function frame(root, me, {demo, onLogout}) {
  const region = (me.region && me.region.name) || '全部地区';
  const main = h('main', {id: 'main', class: 'main'});
  const menu = h('nav', {class: 'side', 'aria-label': '导航'},
    h('div', {class: 'brand'}, h('strong', {}, '乡帮'), h('span', {}, '管理后台')),
    nav.map(g => h('div', {class: 'nav-group'},
      h('div', {class: 'nav-title'}, g.group),
      g.items.filter(it => !it.demo || demo).map(it => h('a', {href: linkOf(it), class: 'nav-link', dataset: {path: it.path, key: it.key || it.path}}, it.name)))));
  const top = h('header', {class: 'top'},
    h('div', {class: 'scope'}, h('span', {class: 'scope-label'}, '管辖范围'), h('strong', {id: 'scope-name'}, region)),
    h('div', {class: 'who'},
      h('span', {id: 'me-name'}, me.name || ''),
      (me.region && me.region.department) ? h('span', {class: 'muted'}, me.region.department) : null,
      h('button', {type: 'button', class: 'btn btn-plain', id: 'logout', onclick: onLogout}, '退出登录')));
  mount(root, h('div', {class: 'shell'}, menu, h('div', {class: 'body'}, top, main)));
  return main;
}

// highlight marks the navigation entry of the current view.
export function highlight(path, query) {
  let key = path.split('/')[0];
  if (key === 'households' && query.flag === 'any') key = 'households-flagged';
  if (path === 'flags/villages') key = path;
  for (const a of document.querySelectorAll('.nav-link')) a.classList.toggle('active', a.dataset.key === key);
}
