/**
 * What the audit administrator reads of an event's before and after: who did what to which record, not the
 * business data the record holds (三权分立: the auditor sees accounts and the trail, not the register). Ids, states,
 * dates, reasons, counts and account fields are shown; every other value (a head of household's name, an address,
 * incomes, a visit's findings, a report's text, a member's name…) is replaced by a mark. The stored event is unchanged
 * and its hash still covers everything.
 */
export const HIDDEN = '（业务内容，审计视图不显示）';

const SHOWN = new Set([
  'status',
  'to',
  'from',
  'kind',
  'role',
  'level',
  'mode',
  'tier',
  'category',
  'source',
  'action',
  'phase',
  'failure',
  'outcome',
  'year',
  'version',
  'no',
  'months',
  'regionCode',
  'region_code',
  'scope_code',
  'username',
  'displayName',
  'display_name',
  'active',
  'locked',
  'factor',
  'primary',
  'is_primary',
  'fileHash',
  'file_hash',
  'format',
  'households',
  'people',
  'rows',
  'errors',
  'count',
  'membershipsEnded',
  'legacyAuditEvents',
  'idNumberIndex',
  'person',
  'requestId',
]);

/**
 * Ids (`id`, `orgId`, `member_id`, `mediatorIds`…), dates or instants (`start_on`, `dissolvedOn`, `created_at`…) and
 * the reasons given for an act (`reason`, `link_reason`, `endReason`…: why someone unmasked, linked, ended).
 */
const SHOWN_SHAPE = /(^id$|Id$|_id$|Ids$|_ids$|_on$|On$|_at$|At$|^reason$|_reason$|Reason$)/;

const shown = (key: string) => SHOWN.has(key) || SHOWN_SHAPE.test(key);

/** The auditor's view of a value found under `key` (null at the top of before/after). */
export function auditView(value: unknown, key: string | null = null): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => auditView(v, key));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, auditView(v, k)]));
  }
  return key !== null && shown(key) ? value : HIDDEN;
}

/** One line of what changed: the field's key (its label is the catalog's, `@lianjian/shared` audit-words) and values. */
export interface AuditChange {
  field: string;
  before: unknown;
  after: unknown;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function flatten(value: unknown, prefix: string, out: Map<string, unknown>) {
  if (!isPlain(value)) {
    if (prefix) out.set(prefix, value);
    return;
  }
  for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
}

/**
 * What changed, field by field, from the stored before and after: a field whose value is the same on both sides is
 * left out (compared on the stored values, so that a masked field that changed still shows as changed); a field on one
 * side shows the other as absent (null). The values are the viewer's (masked as above).
 */
export function changesOf(before: unknown, after: unknown): AuditChange[] {
  const b = new Map<string, unknown>();
  const a = new Map<string, unknown>();
  if (before !== null && before !== undefined) flatten(before, isPlain(before) ? '' : 'value', b);
  if (after !== null && after !== undefined) flatten(after, isPlain(after) ? '' : 'value', a);
  const keys = [...new Set([...b.keys(), ...a.keys()])];
  const out: AuditChange[] = [];
  for (const key of keys) {
    const from = b.get(key) ?? null;
    const to = a.get(key) ?? null;
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    const leaf = key.split('.').at(-1) ?? key;
    out.push({ field: key, before: auditView(from, leaf) ?? null, after: auditView(to, leaf) ?? null });
  }
  return out;
}

/** The kind of record an id-holding field names, where the auditor may read that record's name. */
export const FIELD_REFERS: Record<string, string> = {
  orgId: 'temporary_org',
  org_id: 'temporary_org',
  parentId: 'temporary_org',
  parent_id: 'temporary_org',
  userId: 'user',
  user_id: 'user',
  unitId: 'unit',
  unit_id: 'unit',
  listId: 'problem_list',
  list_id: 'problem_list',
  itemId: 'item',
  item_id: 'item',
  partyOrgId: 'party_org',
  party_org_id: 'party_org',
  chainId: 'chain',
  chain_id: 'chain',
  projectId: 'project',
  project_id: 'project',
  activityId: 'activity',
  activity_id: 'activity',
};
