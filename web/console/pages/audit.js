// audit.js: the audit log of the region — GET /admin/api/audit.

import {h} from '../lib/dom.js';
import {list} from '../lib/list.js';
import {datetime} from '../lib/format.js';

const actions = {
  'household.read': '查看农户详情', 'household.export': '导出农户名单', 'cadre.export': '导出干部名单', 'pairing.create': '新增结对',
  'pairing.reopen': '恢复结对', 'pairing.end': '结束结对', 'push.retry': '重发消息', 'admin.login': '登录后台', 'admin.lockout': '登录锁定',
  'admin.create': '创建账号', 'invite.issue': '生成邀请码', 'binding.create': '农户绑定微信', 'binding.cadre': '干部绑定微信',
  'binding.lockout': '绑定锁定', 'binding.release': '解除绑定',
};
const actors = {official: '县乡干部', cadre: '帮扶干部', household: '农户', system: '系统', importer: '导入'};
const targets = {household: '农户', member: '成员', cadre: '干部', admin_user: '后台账号', push_outbox: '消息', visit: '走访', payment: '补贴', report: '诉求'};

export function render(view, {query}) {
  return list(view, {
    title: '审计日志', path: 'audit', query, endpoint: '/audit',
    filters: [
      {name: 'action', label: '操作', type: 'select', options: [['', '全部'], ...Object.entries(actions)]},
      {name: 'actor_kind', label: '操作人类别', type: 'select', options: [['', '全部'], ...Object.entries(actors)]},
      {name: 'target_kind', label: '对象类别', type: 'select', options: [['', '全部'], ...Object.entries(targets)]},
    ],
    columns: [
      {label: '时间', value: r => datetime(r.at)},
      {label: '操作人', value: r => (actors[r.actor_kind] || r.actor_kind) + ' ' + (r.actor_name || '')},
      {label: '操作', value: r => actions[r.action] || r.action},
      {label: '对象', value: r => r.target_kind === 'household' && r.target_id ? h('a', {href: '#/households/' + r.target_id}, '农户 #' + r.target_id)
        : (targets[r.target_kind] || r.target_kind || '') + (r.target_id ? ' #' + r.target_id : '')},
      {label: '地区', value: r => r.region_code},
      {label: 'IP', value: r => r.ip},
      {label: '详情', value: r => h('code', {class: 'detail'}, r.detail || '')},
    ],
  });
}
