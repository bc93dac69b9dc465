/**
 * The audit trail in words: each action the server writes, each kind of record and each field of a before/after,
 * in Chinese and English. The viewer (web) and the audit log's export (server) read the same catalog; a server test
 * fails when the code writes an action that has no wording here.
 */
export type AuditLanguage = 'zh-CN' | 'en-US';
type Words = { readonly 'zh-CN': string; readonly 'en-US': string };
const w = (zh: string, en: string): Words => ({ 'zh-CN': zh, 'en-US': en });

export const AUDIT_ACTIONS = {
  'account_request.file': w('提出账号申请', 'Account request filed'),
  'account_request.approved': w('批准账号申请', 'Account request approved'),
  'account_request.rejected': w('驳回账号申请', 'Account request rejected'),
  'account_request.cancelled': w('撤回账号申请', 'Account request withdrawn'),
  'activity.create': w('记录组织生活', 'Meeting recorded'),
  'assessment.ledger': w('生成考评台账', 'Ledger computed'),
  'assessment.scheme': w('设置考评方案', 'Scheme set'),
  'assessment.score': w('评分', 'Score given'),
  'assessment.tilt': w('倾斜奖励', 'Tilt decided'),
  'auth.failure': w('登录失败', 'Failed login'),
  'auth.lockout': w('账号锁定', 'Account locked'),
  'auth.login': w('登录', 'Login'),
  'auth.logout': w('退出登录', 'Logout'),
  'auth.password_change': w('修改密码', 'Password changed'),
  'auth.totp_setup': w('开始绑定动态验证码', 'Second factor enrolment started'),
  'auth.totp_enable': w('绑定动态验证码', 'Second factor enrolled'),
  'chain.create': w('建立产业链', 'Chain created'),
  'chain.place': w('产业链安排', 'Chain placement'),
  'coverage.rules': w('修改覆盖规则', 'Coverage rules changed'),
  'data.sealed': w('加密存量个人信息', 'Personal data sealed'),
  'data_key.record': w('登记数据密钥', 'Data key recorded'),
  'dispute.follow_up': w('调解回访', 'Dispute follow-up'),
  'dispute.open': w('登记纠纷', 'Dispute opened'),
  'dispute.outcome': w('调解结果', 'Dispute outcome'),
  'dispute.session': w('调解记录', 'Mediation session'),
  'exit.apply': w('脱贫申请', 'Exit application'),
  'exit.objection': w('公示异议', 'Notice objection'),
  'exit.transition': w('脱贫程序', 'Exit step'),
  'export.download': w('下载导出文件', 'Export downloaded'),
  'export.request': w('申请导出', 'Export requested'),
  'feedback.acknowledge': w('签收反馈', 'Feedback acknowledged'),
  'feedback.send': w('反馈所在党组织', 'Feedback sent home'),
  'helper.assign': w('指定帮扶责任人', 'Primary helper assigned'),
  'helper.stack': w('增加帮扶人', 'Helper added'),
  'helper.end': w('结束帮扶', 'Helper ended'),
  'household.create': w('建档立卡登记', 'Household registered'),
  'household.duplicate_attempt': w('重复登记（范围外）', 'Duplicate registration attempt'),
  'household.export': w('导出花名册', 'Register exported'),
  'household.import': w('导入花名册', 'Register imported'),
  'household.import_refused': w('导入被拒', 'Import refused'),
  'household.import_interrupted': w('导入中断', 'Import interrupted'),
  'household.measure': w('帮扶措施', 'Measure'),
  'household.measure_acknowledged': w('措施确认', 'Measure acknowledged'),
  'household.unmask': w('查看完整个人信息', 'Personal data unmasked'),
  'household.visit': w('走访', 'Visit'),
  'item.create': w('新增事项', 'Item added'),
  'item.escalate': w('上报专项支部', 'Item escalated'),
  'item.link_by_need': w('因需联入', 'Linked by need'),
  'item.participant_add': w('增加办理人', 'Participant added'),
  'item.participant_end': w('结束办理', 'Participant ended'),
  'item.progress': w('进展', 'Progress'),
  'item.resident_confirm': w('群众确认', 'Resident confirmation'),
  'item.resident_rating': w('群众评价', 'Resident rating'),
  'item.transition': w('事项状态', 'Item status'),
  'member.create': w('新增人员', 'Member added'),
  'membership.create': w('联入组织', 'Membership started'),
  'membership.end': w('结束任职', 'Membership ended'),
  'monitoring.identify': w('识别监测对象', 'Monitoring identified'),
  'monitoring.transition': w('监测程序', 'Monitoring step'),
  'org.create': w('成立组织', 'Organization set up'),
  'org.dissolve': w('撤销组织', 'Organization dissolved'),
  'org.link_unit': w('联建单位', 'Unit linked'),
  'org.meeting_period': w('设置会议周期', 'Meeting period set'),
  'org.transition': w('组织状态', 'Organization status'),
  'org.update': w('修改组织', 'Organization changed'),
  'participation.create': w('农户参与', 'Household participation'),
  'party_org.create': w('新增党组织', 'Party organization added'),
  'problem_list.create': w('建立问题清单', 'Problem list created'),
  'project.contract': w('土地流转合同', 'Land contract'),
  'project.create': w('建立项目', 'Project created'),
  'recommendation.answer': w('答复建议', 'Recommendation answered'),
  'recommendation.file': w('提出建议', 'Recommendation filed'),
  'rectification.delist': w('整顿摘牌', 'Rectification ended'),
  'rectification.list': w('挂牌整顿', 'Listed for rectification'),
  'rectification.task': w('整顿任务', 'Rectification task'),
  'regions.import': w('导入区划', 'Regions imported'),
  'report.create': w('群众反映', 'Resident report'),
  'report.phone_code_sent': w('发送手机验证码', 'Phone code sent'),
  'seed.demo': w('载入示范县', 'Demo county loaded'),
  'settings.update': w('修改阈值', 'Thresholds changed'),
  'supervision.create': w('督查记录', 'Supervision record'),
  'supervision.follow_up': w('督查跟进', 'Supervision follow-up'),
  'unit.create': w('新增单位', 'Unit added'),
  'unit.duties': w('修改单位职责', 'Unit duties changed'),
  'user.create': w('开设账号', 'Account created'),
  'user.update': w('修改账号', 'Account changed'),
  'user.role_change': w('变更角色', 'Role changed'),
  'user.credentials_reissue': w('重新签发初始密码', 'Credentials reissued'),
  'user.password_reset': w('重置密码', 'Password reset'),
  'user.totp_reset': w('重置动态验证码', 'Second factor reset'),
} as const satisfies Record<string, Words>;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** Each kind of record an event names. */
export const AUDIT_ENTITIES = {
  account_request: w('账号申请', 'Account request'),
  activity: w('组织生活', 'Meeting'),
  assessment_scheme: w('考评方案', 'Assessment scheme'),
  chain: w('产业链', 'Industry chain'),
  county: w('县', 'County'),
  data_key: w('数据密钥', 'Data key'),
  database: w('数据库', 'Database'),
  export: w('导出', 'Export'),
  household: w('建档立卡户', 'Household'),
  household_import: w('花名册导入', 'Register import'),
  item: w('事项', 'Item'),
  ledger: w('考评台账', 'Ledger'),
  member: w('人员', 'Member'),
  membership: w('任职', 'Membership'),
  party_org: w('党组织', 'Party organization'),
  problem_list: w('问题清单', 'Problem list'),
  project: w('项目', 'Project'),
  report: w('群众反映', 'Resident report'),
  temporary_org: w('临时党组织', 'Temporary organization'),
  unit: w('单位', 'Unit'),
  user: w('账号', 'Account'),
} as const satisfies Record<string, Words>;
export type AuditEntity = keyof typeof AUDIT_ENTITIES;

/** The fields of a before/after the viewer shows (audit.view.ts), by their key. */
export const AUDIT_FIELDS: Record<string, Words> = {
  status: w('状态', 'Status'),
  to: w('变为', 'To'),
  from: w('原为', 'From'),
  kind: w('类别', 'Kind'),
  role: w('角色', 'Role'),
  level: w('层级', 'Level'),
  mode: w('模式', 'Mode'),
  tier: w('层级', 'Tier'),
  category: w('类别', 'Category'),
  source: w('来源', 'Source'),
  action: w('操作', 'Action'),
  phase: w('阶段', 'Phase'),
  failure: w('失败原因', 'Failure'),
  outcome: w('结果', 'Outcome'),
  year: w('年度', 'Year'),
  version: w('版本', 'Version'),
  no: w('编号', 'Number'),
  months: w('月数', 'Months'),
  regionCode: w('区划', 'Region'),
  region_code: w('区划', 'Region'),
  scope_code: w('范围', 'Scope'),
  username: w('用户名', 'Username'),
  displayName: w('姓名', 'Display name'),
  display_name: w('姓名', 'Display name'),
  active: w('启用', 'Active'),
  locked: w('锁定', 'Locked'),
  factor: w('验证方式', 'Factor'),
  primary: w('主要帮扶人', 'Primary'),
  is_primary: w('主要帮扶人', 'Primary'),
  fileHash: w('文件摘要', 'File hash'),
  file_hash: w('文件摘要', 'File hash'),
  format: w('格式', 'Format'),
  households: w('户数', 'Households'),
  people: w('人数', 'People'),
  rows: w('行数', 'Rows'),
  errors: w('错误数', 'Errors'),
  count: w('数量', 'Count'),
  membershipsEnded: w('结束任职数', 'Memberships ended'),
  legacyAuditEvents: w('旧记录数', 'Legacy events'),
  idNumberIndex: w('身份证号（索引）', 'ID number (index)'),
  person: w('人员', 'Person'),
  requestId: w('请求编号', 'Request id'),
  reason: w('理由', 'Reason'),
  id: w('记录', 'Record'),
  orgId: w('组织', 'Organization'),
  org_id: w('组织', 'Organization'),
  parentId: w('上级组织', 'Parent organization'),
  parent_id: w('上级组织', 'Parent organization'),
  memberId: w('人员', 'Member'),
  member_id: w('人员', 'Member'),
  userId: w('账号', 'Account'),
  user_id: w('账号', 'Account'),
  unitId: w('单位', 'Unit'),
  unit_id: w('单位', 'Unit'),
  householdId: w('建档立卡户', 'Household'),
  household_id: w('建档立卡户', 'Household'),
  itemId: w('事项', 'Item'),
  item_id: w('事项', 'Item'),
  listId: w('问题清单', 'Problem list'),
  list_id: w('问题清单', 'Problem list'),
  partyOrgId: w('党组织', 'Party organization'),
  party_org_id: w('党组织', 'Party organization'),
  start_on: w('开始日期', 'Start'),
  startOn: w('开始日期', 'Start'),
  end_on: w('结束日期', 'End'),
  endOn: w('结束日期', 'End'),
  established_on: w('成立日期', 'Founded'),
  establishedOn: w('成立日期', 'Founded'),
  approved_on: w('批准日期', 'Approved'),
  approvedOn: w('批准日期', 'Approved'),
  dissolved_on: w('撤销日期', 'Dissolved'),
  dissolvedOn: w('撤销日期', 'Dissolved'),
  due_on: w('期限', 'Due'),
  dueOn: w('期限', 'Due'),
  held_on: w('日期', 'Held on'),
  heldOn: w('日期', 'Held on'),
  created_at: w('创建时间', 'Created'),
  createdAt: w('创建时间', 'Created'),
  link_reason: w('联入理由', 'Reason for linking'),
  linkReason: w('联入理由', 'Reason for linking'),
  end_reason: w('结束理由', 'Reason for ending'),
  endReason: w('结束理由', 'Reason for ending'),
};

/** A field's label by its key; a key the catalog lacks is named by its shape (a record, a day, a time, a reason). */
export function auditFieldWord(key: string, lang: AuditLanguage): string {
  const known = AUDIT_FIELDS[key];
  if (known) return known[lang];
  const zh = lang === 'zh-CN';
  if (/(Ids|_ids)$/.test(key)) return zh ? '关联记录（多项）' : 'Related records';
  if (/(Id|_id)$/.test(key)) return zh ? '关联记录' : 'Related record';
  if (/(_on|On)$/.test(key)) return zh ? '日期' : 'Date';
  if (/(_at|At)$/.test(key)) return zh ? '时间' : 'Time';
  if (/(reason|Reason)$/.test(key)) return zh ? '理由' : 'Reason';
  return zh ? '其他' : 'Other';
}

export const auditActionWord = (action: string, lang: AuditLanguage): string =>
  (AUDIT_ACTIONS as Record<string, Words>)[action]?.[lang] ?? action;

export const auditEntityWord = (type: string, lang: AuditLanguage): string =>
  (AUDIT_ENTITIES as Record<string, Words>)[type]?.[lang] ?? type;

/** Values the viewer words: yes and no, and the mark of a value it does not show. */
export function auditValueWord(value: unknown, lang: AuditLanguage): string {
  if (value === null || value === undefined) return lang === 'zh-CN' ? '（空）' : '(none)';
  if (value === true) return lang === 'zh-CN' ? '是' : 'yes';
  if (value === false) return lang === 'zh-CN' ? '否' : 'no';
  if (Array.isArray(value)) return value.map((v) => auditValueWord(v, lang)).join(lang === 'zh-CN' ? '、' : ', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
