/** Names follow the glossary of the domain guide; both server and web import them. */

export const ORG_LEVELS = ['committee', 'general_branch', 'branch', 'group'] as const;
export type OrgLevel = (typeof ORG_LEVELS)[number];

/** A county special-task branch is a `branch` with kind `special` directly under the committee. */
export const ORG_KINDS = ['regular', 'special'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const ORG_STATUSES = ['proposed', 'active', 'rectification', 'dissolved'] as const;
export type OrgStatus = (typeof ORG_STATUSES)[number];

export const ORG_MODES = ['joint_building', 'joint_industry', 'linked_services'] as const;
export type OrgMode = (typeof ORG_MODES)[number];

export const ANCHOR_TYPES = [
  'relocation_site',
  'industry_chain',
  'project',
  'special_task',
  'village_cluster',
  'township',
  'county',
] as const;
export type AnchorType = (typeof ANCHOR_TYPES)[number];

export const MEMBERSHIP_ROLES = [
  'secretary',
  'deputy_secretary',
  'committee_member',
  'group_leader',
  'member',
] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

/** Roles the approving organization designates (支部工作条例: designated, not elected). */
export const DESIGNATED_ROLES: readonly MembershipRole[] = ['secretary', 'deputy_secretary', 'committee_member'];

/** Which parent level each level may hang under. */
export const PARENT_LEVEL: Record<OrgLevel, readonly OrgLevel[]> = {
  committee: [],
  general_branch: ['committee'],
  branch: ['committee', 'general_branch'],
  group: ['branch', 'general_branch'],
};

export const PARTY_STATUSES = ['full', 'probationary', 'none'] as const;
/** `none` is a non-party participant: may take part in a task, never hold a membership. */
export type PartyStatus = (typeof PARTY_STATUSES)[number];

export const UNIT_TYPES = [
  'party_government',
  'public_institution',
  'enterprise',
  'village_committee',
  'social_organization',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export const SKILLS = [
  'electricity',
  'water',
  'law',
  'medicine',
  'agronomy',
  'security',
  'roads',
  'mediation',
  'education',
  'finance',
  'forestry',
  'construction',
  'sanitation',
  'commerce',
] as const;
export type Skill = (typeof SKILLS)[number];

/** What a unit's name says it is responsible for (供电所 → electricity): the default when a unit is registered. */
const DUTY_WORDS: [string, Skill[]][] = [
  ['供电', ['electricity']],
  ['电力', ['electricity']],
  ['派出所', ['security', 'law']],
  ['公安', ['security', 'law']],
  ['司法', ['law', 'mediation']],
  ['法庭', ['law', 'mediation']],
  ['水利', ['water']],
  ['水务', ['water']],
  ['林业', ['forestry']],
  ['林场', ['forestry']],
  ['卫生', ['medicine']],
  ['医院', ['medicine']],
  ['学校', ['education']],
  ['教育', ['education']],
  ['交通', ['roads']],
  ['公路', ['roads']],
  ['住房', ['construction']],
  ['建设', ['construction']],
  ['农业', ['agronomy']],
  ['乡村振兴', ['agronomy', 'finance']],
  ['财政', ['finance']],
  ['人力资源', ['finance']],
  ['市场监督', ['commerce']],
  ['商务', ['commerce']],
  ['人民政府', ['agronomy', 'finance', 'roads']],
];

export function dutiesByName(name: string): Skill[] {
  return [...new Set(DUTY_WORDS.filter(([word]) => name.includes(word)).flatMap(([, skills]) => skills))];
}

/**
 * Titles of those who head a unit or a place: for an item in their unit's line of work they can commit the unit
 * (the power-station chief for a tripping breaker). A deputy (副…) of one of these ranks next.
 */
export const HEAD_TITLES = [
  '所长',
  '站长',
  '院长',
  '校长',
  '局长',
  '主任',
  '书记',
  '镇长',
  '乡长',
  '县长',
  '总经理',
  '董事长',
  '村支书',
  '村主任',
  '第一书记',
  '驻村第一书记',
  '负责人',
] as const;
export const DEPUTY_TITLES = HEAD_TITLES.map((t) => `副${t}`);

/** From the province down; counties and below come from the division data, wider levels group counties. */
export const REGION_LEVELS = ['province', 'prefecture', 'county', 'township', 'village'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

export const PARTY_ORG_KINDS = [
  'county_committee',
  'organization_department',
  'township_committee',
  'unit_branch',
  'village_branch',
] as const;
export type PartyOrgKind = (typeof PARTY_ORG_KINDS)[number];

export const USER_ROLES = [
  'county_admin',
  'township_admin',
  'org_secretary',
  'member',
  'supervisor',
  'security_admin',
  'auditor',
] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A calendar day `n` days after (or before) `day`, both YYYY-MM-DD. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Whole calendar days from one YYYY-MM-DD to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(
    (Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - Date.parse(`${from.slice(0, 10)}T00:00:00Z`)) / 86_400_000,
  );
}

/** Days, to two decimals, between two instants (ISO timestamps). */
export function elapsedDays(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 864_000) / 100;
}

/** The median of a list of numbers, or null for an empty list. */
export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

// One formatter for the process: each `new Intl.DateTimeFormat` holds some 25 KB of ICU memory outside the
// JavaScript heap that the process does not give back, so building one per call grew a server by that per request.
let shanghaiDay: Intl.DateTimeFormat | null = null;

/** Today's date in Asia/Shanghai as YYYY-MM-DD. */
export function todayInShanghai(now: Date = new Date()): string {
  shanghaiDay ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return shanghaiDay.format(now);
}

export const POVERTY_CAUSES = [
  'illness',
  'disability',
  'schooling',
  'disaster',
  'lack_of_land',
  'lack_of_water',
  'lack_of_skills',
  'lack_of_labour',
  'lack_of_capital',
  'poor_transport',
  'low_motivation',
  'other',
] as const;
export type PovertyCause = (typeof POVERTY_CAUSES)[number];

export const HELPER_ROLES = ['party_member', 'police', 'doctor', 'teacher', 'cadre', 'mediator', 'other'] as const;
export type HelperRole = (typeof HELPER_ROLES)[number];

export const HEALTH = ['healthy', 'chronic', 'serious', 'disability'] as const;

/**
 * What makes a household need a particular kind of helper (DOMAIN §5: coverage rules are configurable per
 * county). Each is decided from the register itself: causes, housing, labour, status, and disputes raised on
 * the household's visits.
 */
export const COVERAGE_CONDITIONS = [
  'cause_illness',
  'cause_disability',
  'cause_schooling',
  'open_dispute',
  'dangerous_house',
  'no_labour',
  'monitored',
] as const;
export type CoverageCondition = (typeof COVERAGE_CONDITIONS)[number];

/** The rules a county starts with until it sets its own. */
export const DEFAULT_COVERAGE_RULES: { condition: CoverageCondition; roles: HelperRole[] }[] = [
  { condition: 'cause_illness', roles: ['doctor'] },
  { condition: 'open_dispute', roles: ['police', 'mediator'] },
  { condition: 'cause_schooling', roles: ['teacher'] },
];

export const MEASURE_CATEGORIES = [
  'industry',
  'employment',
  'relocation',
  'education',
  'health',
  'ecological_compensation',
  'safety_net',
  'housing_renovation',
  'micro_credit',
  'public_welfare_job',
] as const;

/** What a visit checks: the basic-needs guarantees (两不愁三保障) and safe drinking water. */
export const VISIT_CHECKS = ['food', 'clothing', 'education', 'medical', 'housing', 'water', 'income'] as const;
export const LABOUR = ['normal', 'skilled', 'lost', 'none'] as const;

export const REPORT_CATEGORIES = [
  'electricity',
  'water',
  'roads',
  'public_order',
  'disputes',
  'sanitation',
  'employment',
  'health',
  'education',
  'housing',
  'industry',
  'other',
] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export const REPORT_SOURCES = ['resident', 'visit', 'hotline', 'meeting'] as const;
export type ReportSource = (typeof REPORT_SOURCES)[number];

/**
 * Why a report is not taken up (不予受理), told to the resident with a reason: the same problem reported already
 * (重复), nothing to act on or abuse (无效/骚扰), or not this organization's duty (不属于本组织职责).
 */
export const REPORT_DISMISSAL_KINDS = ['duplicate', 'invalid', 'not_our_duty'] as const;
export type ReportDismissalKind = (typeof REPORT_DISMISSAL_KINDS)[number];

export const ITEM_KINDS = ['problem', 'dispute', 'blockage'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const ITEM_STATUSES = ['open', 'in_progress', 'awaiting_confirmation', 'closed'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** Where a notice leaves the system: a text message to a resident, or a message to a branch's WeCom group robot. */
export const NOTICE_CHANNELS = ['sms', 'wecom'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

/** What a notice tells: the five kinds of text message to residents, and the robot's message to a branch. */
export const NOTICE_PURPOSES = [
  'phone_code',
  'report_accepted',
  'item_listed',
  'item_done',
  'follow_up',
  'staff_assigned',
] as const;
export type NoticePurpose = (typeof NOTICE_PURPOSES)[number];

/** The kinds of text message a county registers an SMS template for (the robot's messages are plain text). */
export const SMS_PURPOSES = ['phone_code', 'report_accepted', 'item_listed', 'item_done', 'follow_up'] as const;
export type SmsPurpose = (typeof SMS_PURPOSES)[number];

/** What became of a notice: waiting (pending, not_configured) or done with (the others). */
export const NOTICE_STATUSES = ['pending', 'sent', 'failed', 'not_configured', 'opted_out', 'expired'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** The capability an item needs, by category: what link-by-need searches for first. */
export const CATEGORY_SKILL: Partial<Record<ReportCategory, Skill>> = {
  electricity: 'electricity',
  water: 'water',
  roads: 'roads',
  public_order: 'security',
  disputes: 'mediation',
  sanitation: 'sanitation',
  health: 'medicine',
  education: 'education',
  housing: 'construction',
  industry: 'agronomy',
};

/** Organizational life (DOMAIN §4): what a temporary organization or party group holds. */
export const ACTIVITY_KINDS = [
  'branch_meeting',
  'group_meeting',
  'study_session',
  'themed_party_day',
  'joint_activity',
  'onsite_meeting',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const ATTENDANCE = ['present', 'excused', 'absent'] as const;

/** Assessment (DOMAIN §9): the three dimensions, the computed metrics and which way each is better. */
export const DIMENSIONS = ['political', 'role', 'results'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const METRICS = {
  meetings_held: 'higher',
  study_sessions: 'higher',
  attendance_rate: 'higher',
  items_closed_on_time_rate: 'higher',
  reopen_rate: 'lower',
  resident_confirmed_rate: 'higher',
  /** 群众满意度: the mean of the residents' ratings (1–5 stars) given in the period on the organization's items. */
  resident_satisfaction: 'higher',
  visits_per_assisted_household: 'higher',
  households_exited: 'higher',
  coverage_gaps: 'lower',
  supervision_findings: 'lower',
} as const;
export type Metric = keyof typeof METRICS;
export const METRIC_KEYS = Object.keys(METRICS) as Metric[];
export const GRADES = ['good', 'fair', 'average', 'poor'] as const;
export type Grade = (typeof GRADES)[number];

/**
 * The score (0–100) of a computed indicator. Higher-is-better: full marks at the target, in proportion below.
 * Lower-is-better: full marks at zero, none at or beyond the target.
 */
export function metricScore(metric: Metric, value: number, target: number): number {
  if (target <= 0) return 0;
  const raw = METRICS[metric] === 'higher' ? Math.min(1, value / target) : Math.max(0, 1 - value / target);
  return Math.round(raw * 10000) / 100;
}
