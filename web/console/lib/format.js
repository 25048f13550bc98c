// format.js: numbers, money and dates the way Chinese officials read them.

const zone = 'Asia/Shanghai';

// yuan formats integer fen as 元 with thousands separators: 123456 → "1,234.56".
export function yuan(fen) {
  if (fen === undefined || fen === null || fen === '') return '';
  const n = Number(fen) / 100;
  return n.toLocaleString('zh-CN', {minimumFractionDigits: 2, maximumFractionDigits: 2});
}

// wan formats fen as 万元 for big totals.
export function wan(fen) {
  const n = Number(fen || 0) / 1000000;
  return n >= 1 ? n.toLocaleString('zh-CN', {maximumFractionDigits: 1}) + ' 万元' : yuan(fen) + ' 元';
}

export function num(n) {
  return Number(n || 0).toLocaleString('zh-CN');
}

export function pct(x) {
  return (Number(x || 0) * 100).toFixed(1) + '%';
}

// date shows YYYY-MM-DD for a date or a time.
export function date(v) {
  if (!v) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const d = new Date(v);
  if (isNaN(d)) return String(v);
  return d.toLocaleDateString('sv-SE', {timeZone: zone});
}

// datetime shows YYYY-MM-DD HH:MM in the county's zone.
export function datetime(v) {
  if (!v) return '';
  const d = new Date(v);
  if (isNaN(d)) return String(v);
  return d.toLocaleString('sv-SE', {timeZone: zone, hour12: false}).slice(0, 16);
}

// ago says how long ago a time was: "3 天前".
export function ago(v) {
  if (!v) return '';
  const s = (Date.now() - new Date(v).getTime()) / 1000;
  if (s < 60) return '刚刚';
  if (s < 3600) return Math.floor(s / 60) + ' 分钟前';
  if (s < 86400) return Math.floor(s / 3600) + ' 小时前';
  return Math.floor(s / 86400) + ' 天前';
}

export const classNames = {
  poverty_alleviated: '脱贫户', monitor_unstable: '脱贫不稳定户', monitor_marginal: '边缘易致贫户', monitor_sudden: '突发严重困难户',
};
export const supportNames = {normal: '常规帮扶', elevated: '提级帮扶'};
export const paymentStatusNames = {
  paid: '已发放', scheduled: '待发放', overdue: '逾期未发', failed: '发放失败', returned: '资金退回',
};
export const reportStatusNames = {open: '待受理', acknowledged: '办理中', resolved: '已办结', rejected: '不予受理'};
export const outboxStateNames = {queued: '排队中', leased: '发送中', sent: '已发送', dead: '发送失败', skipped: '未发送（无授权）'};
export const flagNames = {
  under_line: '低于监测范围', income_fell: '收入下降', low_growth: '增收缓慢', priority: '重点帮扶户',
  elevation_needed: '需提级帮扶', job_lost: '务工中断/返乡', visit_overdue: '走访逾期', priority_village: '重点村',
};
export const labourNames = {full: '普通劳动力', weak: '弱劳动力', half: '半劳动力', none: '无劳动力'};
export const employmentNames = {employed: '务工中', unemployed: '未就业', returned: '返乡', unknown: '未知'};
export const pairingRoleNames = {responsible: '帮扶责任人', work_team: '驻村工作队', leader: '提级帮扶领导'};
export const cadreStatusNames = {active: '在岗', left: '离岗'};
export const cadreKindNames = {
  responsible: '帮扶责任人', first_secretary: '驻村第一书记', work_team: '驻村工作队员',
  village_committee: '村两委成员', township_leader: '乡科级领导', county_leader: '县处级领导',
};
export const jobKindNames = {
  migrant: '外出务工', park: '县城周边园区', workshop: '就近就业/帮扶车间', public_welfare: '乡村公益性岗位', work_relief: '以工代赈', gig: '零工',
};
export const wageUnitNames = {month: '元/月', day: '元/天', piece: '元/件'};

// label looks a code up in a table, falling back to the code itself.
export function label(table, code) {
  return (code && table[code]) || code || '';
}
