/** The Chinese words the county's paper registers use for the values the exports print. */
export const ORG_LEVEL: Record<string, string> = {
  committee: '临时党委',
  general_branch: '临时党总支',
  branch: '临时党支部',
  group: '党小组',
};
export const ORG_KIND: Record<string, string> = { regular: '常规', special: '县属专项支部' };
export const ORG_STATUS: Record<string, string> = {
  proposed: '筹建中',
  active: '运行中',
  rectification: '挂牌整顿',
  dissolved: '已撤销',
};
export const MEMBERSHIP_ROLE: Record<string, string> = {
  secretary: '书记',
  deputy_secretary: '副书记',
  committee_member: '委员',
  group_leader: '组长',
  member: '成员',
};
export const PARTY_STATUS: Record<string, string> = { full: '正式党员', probationary: '预备党员', none: '非党员' };
export const GENDER: Record<string, string> = { male: '男', female: '女' };
export const REPORT_CATEGORY: Record<string, string> = {
  electricity: '用电',
  water: '用水',
  roads: '道路交通',
  public_order: '治安',
  disputes: '矛盾纠纷',
  sanitation: '环境卫生',
  employment: '就业',
  health: '医疗卫生',
  education: '教育',
  housing: '住房',
  industry: '产业发展',
  other: '其他',
};
export const REPORT_SOURCE: Record<string, string> = {
  resident: '群众自报',
  visit: '走访',
  hotline: '热线',
  meeting: '会议',
};
export const REPORT_STATUS: Record<string, string> = { new: '待梳理', listed: '已列入清单', dismissed: '已处理' };
