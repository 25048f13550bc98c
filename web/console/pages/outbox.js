// outbox.js: messages pushed to people — GET /admin/api/outbox; failed ones
// can be sent again (POST /admin/api/outbox/{id}/retry).

import {h} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {list} from '../lib/list.js';
import {toast} from '../lib/dialog.js';
import {go} from '../lib/router.js';
import {datetime, label, outboxStateNames} from '../lib/format.js';

const kinds = {
  payment_paid: '补贴到账', payment_overdue: '补贴逾期', report_answered: '诉求答复', visit_due: '走访提醒', visit_confirm: '走访确认',
  visit_denied: '农户否认走访', job_match: '岗位推荐', report_escalated: '诉求督办',
};

export function render(view, {query}) {
  return list(view, {
    title: '消息推送', path: 'outbox', query, endpoint: '/outbox',
    filters: [
      {name: 'state', label: '状态', type: 'select', options: [['', '全部'], ...Object.entries(outboxStateNames)]},
      {name: 'kind', label: '类型', type: 'select', options: [['', '全部'], ...Object.entries(kinds)]},
      {name: 'region', label: '地区', type: 'region'},
    ],
    columns: [
      {label: '时间', value: r => datetime(r.created_at)},
      {label: '类型', value: r => label(kinds, r.kind)},
      {label: '接收人', value: r => r.recipient.household_id
        ? h('a', {href: '#/households/' + r.recipient.household_id}, r.recipient.name || r.recipient.household_no)
        : r.recipient.name || '用户 ' + r.recipient.user_id},
      {label: '渠道', value: r => (r.channel === 'template' ? '公众号' : '小程序')},
      {label: '状态', value: r => h('span', {class: 'status status-' + r.state}, r.state_name || label(outboxStateNames, r.state))},
      {label: '尝试', value: r => r.attempts, class: 'num'},
      {label: '失败原因', value: r => r.last_error},
      {label: '操作', value: r => r.retryable ? h('button', {type: 'button', class: 'btn btn-small', dataset: {retry: r.id}, onclick: () => retry(r, query)}, '重新发送') : ''},
    ],
    empty: '没有消息',
  });
}

async function retry(r, query) {
  try {
    await api.post('/outbox/' + r.id + '/retry');
    toast('已重新排队发送');
    go('outbox', query, true);
  } catch (e) {
    toast(e.message, 'error');
  }
}
