// login.js: the sign-in form. The session is an HttpOnly cookie the server
// sets; the CSRF token comes back in the answer and stays in memory.

import {h, mount, notice} from '../lib/dom.js';
import {api} from '../lib/api.js';

export function render(root, {message, onSignedIn}) {
  const error = h('div', {class: 'login-error', role: 'alert'});
  const user = h('input', {class: 'input', name: 'username', id: 'username', autocomplete: 'username', required: true, autofocus: true});
  const pass = h('input', {class: 'input', name: 'password', id: 'password', type: 'password', autocomplete: 'current-password', required: true});
  const submit = h('button', {type: 'submit', class: 'btn btn-primary btn-block', id: 'login-submit'}, '登录');
  const form = h('form', {class: 'login-form', id: 'login-form'},
    h('h1', {}, '乡帮 · 管理后台'),
    h('p', {class: 'muted'}, '县、乡镇干部使用本单位分配的账号登录'),
    message ? notice('info', message) : null,
    h('label', {class: 'field-label', for: 'username'}, '用户名'), user,
    h('label', {class: 'field-label', for: 'password'}, '密码'), pass,
    error, submit);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    submit.textContent = '正在登录…';
    try {
      const out = await api.post('/login', {username: user.value.trim(), password: pass.value});
      const me = await api.get('/me');
      await onSignedIn(me.me, out.csrf_token || me.csrf_token);
    } catch (err) {
      error.textContent = err.message || '登录失败';
      submit.disabled = false;
      submit.textContent = '登录';
      pass.select();
    }
  });
  mount(root, h('div', {class: 'login'}, form));
  user.focus();
}
