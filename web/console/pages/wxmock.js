// wxmock.js: in the demo, what the stand-in for WeChat received — every
// message the system pushed to a person — so a visitor sees the pushes.

import {h, mount} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {heading} from '../lib/page.js';
import {datetime} from '../lib/format.js';

export async function render(view) {
  const d = await api.get('/demo/wxmock-messages');
  const refresh = h('a', {class: 'btn', href: '#/wxmock?t=' + Date.now()}, '刷新');
  mount(view,
    heading('演示：微信收到的消息', refresh),
    h('p', {class: 'notice notice-info'}, '演示环境不连接微信：系统发出的公众号模板消息和小程序订阅消息都由内置的模拟服务器（wxmock）接收，显示在这里。'),
    d.items.length === 0 ? h('p', {class: 'muted', id: 'wxmock-empty'}, '还没有收到消息。推送由后台任务发送；答复一件问题反映或发布一个岗位后再来看。')
      : h('div', {class: 'messages', id: 'wxmock-messages'}, d.items.map(m => h('article', {class: 'message'},
        h('header', {}, h('strong', {}, m.recipient.name || ('用户 ' + m.recipient.user_id)), h('span', {class: 'muted'}, m.recipient.region_name || ''),
          h('span', {class: 'tag'}, m.kind === 'template' ? '公众号模板消息' : '小程序订阅消息'), h('time', {class: 'muted'}, datetime(m.sent_at))),
        h('dl', {class: 'message-data'}, m.data.map(x => [h('dt', {}, x.key), h('dd', {}, x.value)])),
        m.page ? h('div', {class: 'muted'}, '点击打开：' + m.page) : null))));
}
