// unanswered.js: questions the official account's bot could not answer —
// GET /admin/api/chatbot/unanswered (issue 9).

import {pick} from '../lib/dom.js';
import {list} from '../lib/list.js';
import {datetime} from '../lib/format.js';

const roles = {household: '农户', cadre: '干部', guest: '未绑定'};

export function render(view, {query}) {
  return list(view, {
    title: '未答复的咨询', path: 'unanswered', query, endpoint: '/chatbot/unanswered', awaits: '公众号问答，问题 9',
    intro: null,
    columns: [
      {label: '时间', value: r => datetime(pick(r, 'received_at', 'created_at'))},
      {label: '提问', value: r => pick(r, 'text')},
      {label: '方式', value: r => (pick(r, 'msg_type') === 'voice' ? '语音' : '文字')},
      {label: '提问人', value: r => roles[pick(r, 'role')] || pick(r, 'role')},
      {label: '地区', value: r => pick(r, 'region_name', 'region_code')},
    ],
    empty: '没有未答复的咨询',
  });
}
