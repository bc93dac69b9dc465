import type { Indicator } from './scoring.ts';

/** The scheme a county starts from (the demo's 2020 scheme): three dimensions, weights summing to 100. */
export const TEMPLATE_INDICATORS: Indicator[] = [
  { key: 'meetings', dimension: 'political', name: '按期召开支部和党小组会议', weight: 10, method: 'computed', metric: 'meetings_held', target: 24 },
  { key: 'study', dimension: 'political', name: '组织学习和主题党日', weight: 10, method: 'computed', metric: 'study_sessions', target: 4 },
  { key: 'attendance', dimension: 'political', name: '党员参加组织生活出席率', weight: 10, method: 'computed', metric: 'attendance_rate', target: 0.9 },
  { key: 'on_time', dimension: 'role', name: '问题清单按期销号率', weight: 15, method: 'computed', metric: 'items_closed_on_time_rate', target: 0.9 },
  { key: 'reopen', dimension: 'role', name: '销号后被重新打开率', weight: 5, method: 'computed', metric: 'reopen_rate', target: 0.3 },
  { key: 'confirmed', dimension: 'role', name: '群众确认“已解决”比例', weight: 10, method: 'computed', metric: 'resident_confirmed_rate', target: 0.8 },
  { key: 'visits', dimension: 'role', name: '帮扶户户均走访次数', weight: 10, method: 'computed', metric: 'visits_per_assisted_household', target: 4 },
  { key: 'exited', dimension: 'results', name: '脱贫和消除风险户数', weight: 10, method: 'computed', metric: 'households_exited', target: 20 },
  { key: 'gaps', dimension: 'results', name: '帮扶责任人缺口', weight: 5, method: 'computed', metric: 'coverage_gaps', target: 10 },
  { key: 'findings', dimension: 'results', name: '督查发现问题', weight: 5, method: 'computed', metric: 'supervision_findings', target: 5 },
  { key: 'satisfaction', dimension: 'results', name: '群众满意度测评', weight: 10, method: 'scored' },
];
