// app.js: the console's entry. It asks who is signed in, draws the frame or
// the sign-in form, and renders the view the address bar names. Views are
// loaded on demand, so the first page pulls in only what it shows.

import {h, mount} from './lib/dom.js';
import {api, setCSRF, onSignedOut} from './lib/api.js';
import {route, current, match} from './lib/router.js';
import {frame, highlight} from './lib/layout.js';
import {failure} from './lib/page.js';
import {forget} from './lib/regions.js';

const views = {
  'dashboard': () => import('./pages/dashboard.js'),
  'households': () => import('./pages/households.js'),
  'households/:id': () => import('./pages/household.js'),
  'flags/villages': () => import('./pages/villages.js'),
  'payments': () => import('./pages/payments.js'),
  'overdue': () => import('./pages/overdue.js'),
  'visits': () => import('./pages/visits.js'),
  'cadres': () => import('./pages/cadres.js'),
  'cadres/:id': () => import('./pages/cadre.js'),
  'reports': () => import('./pages/reports.js'),
  'unanswered': () => import('./pages/unanswered.js'),
  'jobs': () => import('./pages/jobs.js'),
  'zero-employment': () => import('./pages/zero.js'),
  'imports': () => import('./pages/imports.js'),
  'outbox': () => import('./pages/outbox.js'),
  'audit': () => import('./pages/audit.js'),
  'wxmock': () => import('./pages/wxmock.js'),
};
// Each view's module is imported once; the promise is kept, so the boot's
// prefetch and the first render share it.
for (const [pattern, load] of Object.entries(views)) {
  let p = null;
  route(pattern, () => p || (p = load()));
}

const root = document.getElementById('app');
const state = {me: null, main: null, demo: false, seq: 0, started: 0};

// boot asks who is signed in and, at the same time, loads the first view's
// code and lets it start fetching its data, so a bookmarked page does not
// wait for one request after another.
async function boot() {
  performance.mark('app:boot');
  onSignedOut(() => {
    if (state.me) signIn('登录已过期，请重新登录');
  });
  const {path, query} = current();
  const first = match(path);
  if (first) first.render().then(mod => mod.prefetch && mod.prefetch(query)).catch(() => {});
  const demo = probeDemo();
  try {
    const out = await api.get('/me');
    performance.mark('app:me');
    await signedIn(out.me, out.csrf_token, demo);
  } catch (e) {
    if (e.status === 401) signIn();
    else mount(root, failure(e));
  }
}

// probeDemo asks whether the demo's "what WeChat received" page exists
// (only with an in-process wxmock).
function probeDemo() {
  return api.get('/demo/wxmock-messages', {limit: 1}).then(() => true, () => false);
}

async function signIn(message) {
  state.me = null;
  state.main = null;
  forget();
  const login = await import('./pages/login.js');
  login.render(root, {message, onSignedIn: (me, csrf) => { state.started = performance.now(); return signedIn(me, csrf); }});
  document.documentElement.dataset.view = 'login';
}

async function signedIn(me, csrf, demo) {
  setCSRF(csrf);
  state.me = me;
  state.demo = await (demo || probeDemo());
  state.main = frame(root, me, {demo: state.demo, onLogout: logout});
  show();
}

async function logout() {
  try { await api.post('/logout'); } catch (e) { /* the session may be gone already */ }
  setCSRF('');
  location.hash = '#/dashboard';
  signIn('您已退出登录');
}

// show renders the current view into a fresh element, so a slow answer for
// a view the official has left never draws over the next one. When it is
// drawn, data-state says so (the browser tests and the timing script wait
// on it) and data-ready-ms says how long it took.
async function show() {
  if (!state.me) return;
  const seq = ++state.seq;
  const started = state.started;
  const {path, query} = current();
  highlight(path, query);
  const view = h('section', {id: 'view', class: 'view', dataset: {state: 'loading', path}});
  mount(state.main, view);
  const m = match(path);
  try {
    if (!m) throw Object.assign(new Error('页面不存在'), {status: 404});
    const mod = await m.render();
    performance.mark('view:code');
    await mod.render(view, {params: m.params, query, me: state.me, demo: state.demo});
    if (seq !== state.seq) return;
    view.dataset.state = 'ready';
  } catch (e) {
    if (seq !== state.seq) return;
    view.replaceChildren(failure(e));
    view.dataset.state = 'error';
  }
  performance.mark('view:ready');
  view.dataset.readyMs = String(Math.round(performance.now() - started));
  document.documentElement.dataset.view = path;
}

window.addEventListener('hashchange', () => { state.started = performance.now(); show(); });
boot();
