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
