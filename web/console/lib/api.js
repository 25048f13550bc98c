// api.js: calls to /admin/api with the session cookie. State-changing calls
// carry the session's CSRF token; failures arrive as ApiError with the
// server's Chinese message (API.md's error shape).

const base = '/admin/api';
const session = {csrf: '', onSignedOut: null};

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || '请求失败');
    this.status = status;
    this.code = code || 'error';
    this.details = details || {};
  }
  // missing reports a path the server does not have (yet): an API another
  // part of the project has not delivered.
  get missing() { return this.status === 404 && this.code === 'no_such_path'; }
}

export function setCSRF(token) { session.csrf = token || ''; }
export function onSignedOut(fn) { session.onSignedOut = fn; }

// url builds a path under /admin/api with a query; empty values are dropped.
export function url(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return base + path + (s ? '?' + s : '');
}

async function call(method, path, {params, body, form} = {}) {
  const headers = {'Accept': 'application/json'};
  if (method !== 'GET') headers['X-CSRF-Token'] = session.csrf;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url(path, params), {method, headers, body: payload, credentials: 'same-origin'});
  } catch (e) {
    throw new ApiError(0, 'network', '网络连接失败，请检查网络后重试');
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!res.ok) {
    const err = (data && data.error) || {};
    const e = new ApiError(res.status, err.code, err.message || '服务器返回错误（' + res.status + '）', err.details);
    if (res.status === 401 && path !== '/login' && session.onSignedOut) session.onSignedOut(e);
    throw e;
  }
  return data;
}

export const api = {
  get: (path, params) => call('GET', path, {params}),
  post: (path, body) => call('POST', path, {body: body === undefined ? {} : body}),
  put: (path, body) => call('PUT', path, {body}),
  upload: (path, form) => call('POST', path, {form}),
};
