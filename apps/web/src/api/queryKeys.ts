/**
 * Every TanStack Query key of the web app, one factory per feature. A feature's keys all start with its root (`all`),
 * so `invalidateQueries({ queryKey: householdKeys.all })` reaches the register, a household's page, its visits and the
 * exits alike; and two queries that ask the server different things never share a key (a key names what is asked:
 * the filters, the cursor, the day). Pages never write key arrays by hand.
 */

type Cursor = string | undefined;
/** A value a query may be asked without. */
type Maybe = string | null | undefined;
/** A query's filters as the key holds them: the object itself (TanStack hashes it with sorted keys). */
type Filters = Record<string, unknown>;

export const sessionKeys = {
  /** The signed-in account (`/auth/me`); null when signed out. */
  me: ['me'] as const,
  inbox: ['inbox'] as const,
  inboxPage: (cursor: Cursor) => ['inbox', cursor] as const,
};

export const regionKeys = {
  all: ['regions'] as const,
  /** The county's regions, or one level of them. */
  list: (level?: 'township' | 'village') => [...regionKeys.all, 'list', level ?? 'all'] as const,
  /** One township's villages. */
  villages: (townshipCode: string) => [...regionKeys.all, 'villages', townshipCode] as const,
};

export const orgKeys = {
  all: ['orgs'] as const,
  detail: (id: string) => [...orgKeys.all, 'detail', id] as const,
  /** An organization's memberships, by what is asked (active on a day, all, with groups). */
  memberships: (id: string, query: Filters) => [...orgKeys.detail(id), 'memberships', query] as const,
  children: (id: string, level?: string) => [...orgKeys.all, 'children', id, level ?? 'all'] as const,
  roots: (township: Maybe) => [...orgKeys.all, 'roots', township] as const,
  search: (q: string, township: Maybe = null) => [...orgKeys.all, 'search', q, township] as const,
};

export const memberKeys = {
  all: ['members'] as const,
  list: (filters: Filters, cursor: Cursor) => [...memberKeys.all, 'list', filters, cursor] as const,
  /** A remote-search select's answer; `partyStatus` when the select offers full members only. */
  search: (q: string, partyStatus: string | null = null) => [...memberKeys.all, 'search', q, partyStatus] as const,
  record: (id: string) => [...memberKeys.all, 'record', id] as const,
};

export const unitKeys = {
  all: ['units'] as const,
  search: (q: string) => [...unitKeys.all, 'search', q] as const,
};

export const itemKeys = {
  all: ['items'] as const,
  list: (filters: Filters, cursor: Cursor) => [...itemKeys.all, 'list', filters, cursor] as const,
  board: () => [...itemKeys.all, 'board'] as const,
  ofList: (listId: string) => [...itemKeys.all, 'of-list', listId] as const,
  detail: (id: string) => [...itemKeys.all, 'detail', id] as const,
  dispute: (id: string) => [...itemKeys.detail(id), 'dispute'] as const,
  suggestions: (id: string, skill: Maybe) => [...itemKeys.detail(id), 'suggestions', skill] as const,
  escalationTargets: (skill: Maybe) => [...itemKeys.all, 'escalation-targets', skill] as const,
  problemLists: () => [...itemKeys.all, 'problem-lists'] as const,
  /** One page of the problem lists under the filters (title words, organization, days listed). */
  problemListPage: (filters: Filters, cursor: Cursor) => [...itemKeys.problemLists(), filters, cursor] as const,
  problemList: (id: string) => [...itemKeys.all, 'problem-list', id] as const,
};

export const reportKeys = {
  all: ['reports'] as const,
  list: (filters: Filters) => [...reportKeys.all, 'list', filters] as const,
  detail: (id: string) => [...reportKeys.all, 'detail', id] as const,
};

export const householdKeys = {
  all: ['households'] as const,
  list: (filters: Filters, cursor: Cursor) => [...householdKeys.all, 'list', filters, cursor] as const,
  detail: (id: string) => [...householdKeys.all, 'detail', id] as const,
  visits: (id: string) => [...householdKeys.detail(id), 'visits'] as const,
  measures: (id: string) => [...householdKeys.detail(id), 'measures'] as const,
  exitsOf: (id: string) => [...householdKeys.detail(id), 'exits'] as const,
  exits: (status: string | undefined, cursor: Cursor) => [...householdKeys.all, 'exits', status, cursor] as const,
  exitNotice: (villageCode: string) => [...householdKeys.all, 'exit-notice', villageCode] as const,
  /** Units and people who may verify an exit, searched together. */
  verifiers: (q: string) => [...householdKeys.all, 'verifiers', q] as const,
  monitoring: (cursor: Cursor) => [...householdKeys.all, 'monitoring', cursor] as const,
  monitoringCandidates: (year: number, cursor?: Cursor) =>
    [...householdKeys.all, 'monitoring-candidates', year, cursor] as const,
  gaps: () => [...householdKeys.all, 'gaps'] as const,
  workload: (cursor?: Cursor) => [...householdKeys.all, 'workload', cursor] as const,
  imports: () => [...householdKeys.all, 'imports'] as const,
  import: (id: Maybe) => [...householdKeys.imports(), id] as const,
  /** The headings the county's clerks confirmed for the import's column mapping. */
  importHeadings: () => [...householdKeys.all, 'import-headings'] as const,
};

export const noticeKeys = {
  all: ['notices'] as const,
  list: (status: string | undefined, cursor: string | undefined) =>
    [...noticeKeys.all, 'list', status ?? '', cursor ?? ''] as const,
  settings: () => [...noticeKeys.all, 'settings'] as const,
};

export const settingsKeys = {
  all: ['settings'] as const,
  year: (year: number) => [...settingsKeys.all, 'year', year] as const,
  coverageRules: () => [...settingsKeys.all, 'coverage-rules'] as const,
};

export const activityKeys = {
  all: ['activities'] as const,
  /** An organization's meetings from a day on, or on one day. */
  ofOrg: (orgId: string, query: Filters) => [...activityKeys.all, 'of-org', orgId, query] as const,
  detail: (id: string) => [...activityKeys.all, 'detail', id] as const,
  roster: (orgId: string, on: string) => [...activityKeys.all, 'roster', orgId, on] as const,
  reminders: (orgId: string) => [...activityKeys.all, 'reminders', orgId] as const,
};

export const recordKeys = {
  all: ['records'] as const,
  feedback: (box: string, openOnly: boolean, cursor: Cursor) =>
    [...recordKeys.all, 'feedback', box, openOnly, cursor] as const,
};

export const assessmentKeys = {
  all: ['assessment'] as const,
  schemes: (year: number) => [...assessmentKeys.all, 'schemes', year] as const,
  ledgers: (year: number, tier: string, scopeCode: Maybe) =>
    [...assessmentKeys.all, 'ledgers', year, tier, scopeCode] as const,
  ledger: (id: Maybe) => [...assessmentKeys.all, 'ledger', id] as const,
  supervision: (cursor: Cursor) => [...assessmentKeys.all, 'supervision', cursor] as const,
  rectifications: (status: string | undefined, cursor: Cursor) =>
    [...assessmentKeys.all, 'rectifications', status, cursor] as const,
  recommendations: (box: string, cursor: Cursor) => [...assessmentKeys.all, 'recommendations', box, cursor] as const,
};

export const chainKeys = {
  all: ['chains'] as const,
  chains: (cursor: Cursor) => [...chainKeys.all, 'chains', cursor] as const,
  projects: (cursor: Cursor) => [...chainKeys.all, 'projects', cursor] as const,
};

export const statsKeys = {
  all: ['stats'] as const,
  overview: (asOf: string | undefined) => [...statsKeys.all, 'overview', asOf] as const,
  network: (query: Filters) => [...statsKeys.all, 'network', query] as const,
};

export const userKeys = {
  all: ['users'] as const,
  list: (filters: Filters, cursor: Cursor) => [...userKeys.all, 'list', filters, cursor] as const,
  scopeOptions: (orgQuery: string) => [...userKeys.all, 'scope-options', orgQuery] as const,
  scopeOrg: (orgId: Maybe) => [...userKeys.all, 'scope-options', 'org', orgId] as const,
  pendingRequests: () => [...userKeys.all, 'account-requests', 'pending'] as const,
};

export const auditKeys = {
  all: ['audit'] as const,
  events: (filters: Filters, cursor: Cursor) => [...auditKeys.all, 'events', filters, cursor] as const,
  verify: () => [...auditKeys.all, 'verify'] as const,
};

/** The resident pages (no account): regions to choose a village, a village's board, a report by its code. */
export const publicKeys = {
  all: ['public'] as const,
  regions: (parentCode?: Maybe) => [...publicKeys.all, 'regions', parentCode ?? null] as const,
  board: (code: string) => [...publicKeys.all, 'board', code] as const,
  report: (code: string) => [...publicKeys.all, 'report', code] as const,
};
