// page.js: what every view shares — a heading, a message when an API is not
// there yet, and the status the browser tests wait on.

import {h, notice} from './dom.js';
import {ApiError} from './api.js';

// heading is a view's title with optional actions on the right.
export function heading(title, ...actions) {
  return h('div', {class: 'heading'}, h('h1', {}, title), h('div', {class: 'actions'}, ...actions));
}

// failure turns an error into a message box. A path the server does not
// have yet says which part of the project will bring it.
export function failure(err, awaits) {
  if (err instanceof ApiError && err.missing) {
    return notice('warn api-missing', '此功能的接口尚未上线', awaits ? '（' + awaits + '）' : '', '，页面已就绪，接口上线后即可使用。');
  }
  if (err instanceof ApiError && err.status === 403) return notice('error', err.message || '无权查看');
  if (err instanceof ApiError && err.status === 404) return notice('error', err.message || '记录不存在或无权查看');
  return notice('error', (err && err.message) || '加载失败，请稍后重试');
}

