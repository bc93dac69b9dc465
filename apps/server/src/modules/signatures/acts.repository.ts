import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';

/**
 * A digest of a large fact (a ledger's inputs and rows) under the hash of the signature's algorithm, named in the
 * value (`sm3:` or `sha256:`), so that what is signed stays small and the copy kept with the signature too.
 */
export type FactDigest = (text: string) => string;

/**
 * The acts a county may later be asked to prove, each with the facts that make it up, read from the records. The same
 * function gives the facts signed in the act's transaction and the facts `verify-signatures` checks the signature
 * against, so a fact changed afterwards in the records shows. Only facts that no longer change once the act is done
 * are taken: an announced exit and a dissolved organization are read-only.
 */
export const ACTS = {
  /** 公告退出: the application's steps, who verified it, its notice, the day of the announcement and who made it. */
  'exit.announced': async (db: Executor, applicationId: string) => {
    const a = await db.selectFrom('exit_applications').selectAll().where('id', '=', applicationId).executeTakeFirst();
    if (a?.status !== 'announced') return null;
    const step = await db
      .selectFrom('exit_events')
      .select(['on', 'user_id'])
      .where('application_id', '=', applicationId)
      .where('kind', '=', 'transition')
      .where('to_status', '=', 'announced')
      .executeTakeFirst();
    return {
      applicationId: a.id,
      householdId: a.household_id,
      source: a.source,
      appliedOn: a.applied_on,
      reviewedOn: a.reviewed_on,
      verifiedOn: a.verified_on,
      criteria: a.criteria_json === null ? null : (JSON.parse(a.criteria_json) as unknown),
      verifiedByUnitId: a.verified_by_unit_id,
      verifiedByMemberId: a.verified_by_member_id,
      acknowledgedOn: a.acknowledged_on,
      noticeStartOn: a.notice_start_on,
      noticeDays: a.notice_days === null ? null : Number(a.notice_days),
      noticePublishedOn: a.notice_published_on,
      announcedOn: a.announced_on,
      announcedBy: step?.user_id ?? null,
    };
  },

  /** 纳入监测 / 风险消除 / 不纳入监测: one decision (a step of the case), with the case it was taken on. */
  'monitoring.decided': async (db: Executor, eventId: string) => {
    const e = await db.selectFrom('monitoring_events').selectAll().where('id', '=', eventId).executeTakeFirst();
    if (!e) return null;
    const c = await db
      .selectFrom('monitoring_cases')
      .select(['id', 'household_id', 'category', 'source', 'risk', 'identified_on'])
      .where('id', '=', e.case_id)
      .executeTakeFirst();
    if (!c) return null;
    return {
      eventId: e.id,
      caseId: c.id,
      householdId: c.household_id,
      category: c.category,
      source: c.source,
      risk: c.risk,
      identifiedOn: c.identified_on,
      from: e.from_status,
      to: e.to_status,
      on: e.on,
      text: e.text,
      decidedBy: e.user_id,
    };
  },

  /** 考核台账: one version of a ledger as computed, its inputs and rows by their digests. */
  'ledger.computed': async (db: Executor, ledgerId: string, digest: FactDigest) => {
    const l = await db.selectFrom('ledgers').selectAll().where('id', '=', ledgerId).executeTakeFirst();
    if (!l) return null;
    return {
      ledgerId: l.id,
      schemeId: l.scheme_id,
      tier: l.tier,
      scopeCode: l.scope_code,
      periodFrom: l.period_from,
      periodTo: l.period_to,
      version: Number(l.version),
      computedBy: l.computed_by,
      computedAt: l.computed_at,
      inputs: digest(l.inputs_json),
      rows: digest(l.rows_json),
    };
  },

  /** 导出: who asked for which data, with what filter and why, and until when the link holds. */
  'export.granted': async (db: Executor, grantId: string) => {
    const g = await db.selectFrom('export_grants').selectAll().where('id', '=', grantId).executeTakeFirst();
    if (!g) return null;
    return {
      grantId: g.id,
      userId: g.user_id,
      kind: g.kind,
      params: JSON.parse(g.params_json) as unknown,
      reason: g.reason,
      createdAt: g.created_at,
      expiresAt: g.expires_at,
    };
  },

  /** 撤销: the organization, its approval, the day, its party groups dissolved with it and the memberships it ended. */
  'org.dissolved': async (db: Executor, orgId: string) => {
    const o = await db.selectFrom('temporary_orgs').selectAll().where('id', '=', orgId).executeTakeFirst();
    if (o?.status !== 'dissolved' || !o.dissolved_on) return null;
    const groups = await db
      .selectFrom('temporary_orgs')
      .select('id')
      .where('parent_id', '=', o.id)
      .where('level', '=', 'group')
      .where('dissolved_on', '=', o.dissolved_on)
      .orderBy('id')
      .execute();
    const orgIds = [o.id, ...groups.map((g) => g.id)];
    const ended = await db
      .selectFrom('memberships')
      .select(['id', 'org_id', 'member_id', 'role', 'start_on', 'end_on', 'end_reason'])
      .where('org_id', 'in', orgIds)
      .where('end_on', '=', o.dissolved_on)
      .where('end_reason', 'like', '组织撤销：%')
      .orderBy('id')
      .execute();
    return {
      orgId: o.id,
      name: o.name,
      level: o.level,
      parentId: o.parent_id,
      regionCode: o.region_code,
      approvingPartyOrgId: o.approving_party_org_id,
      approvingOrgId: o.approving_org_id,
      approvalDocNo: o.approval_doc_no,
      establishedOn: o.established_on,
      dissolvedOn: o.dissolved_on,
      groups: groups.map((g) => g.id),
      membershipsEnded: ended.map((m) => ({
        id: m.id,
        orgId: m.org_id,
        memberId: m.member_id,
        role: m.role,
        startOn: m.start_on,
        endOn: m.end_on,
        endReason: m.end_reason,
      })),
    };
  },
} satisfies Record<
  string,
  (db: Executor, entityId: string, digest: FactDigest) => Promise<Record<string, unknown> | null>
>;

export type ActKind = keyof typeof ACTS;

export const isAct = (act: string): act is ActKind => Object.hasOwn(ACTS, act);

/**
 * The records of each act, for counting those done without a signature (before signing began, loaded by the demo or an
 * import, or written outside the application). A party group dissolved with its branch is signed in the branch's facts.
 */
const RECORDS_OF = (decisions: readonly string[]): Record<ActKind, { table: string; where: RawBuilder<unknown> }> => ({
  'exit.announced': { table: 'exit_applications', where: sql`r.status = 'announced'` },
  'monitoring.decided': {
    table: 'monitoring_events',
    where: sql`r.to_status in (${sql.join(decisions.map((d) => sql`${d}`))})`,
  },
  'ledger.computed': { table: 'ledgers', where: sql`1 = 1` },
  'export.granted': { table: 'export_grants', where: sql`1 = 1` },
  'org.dissolved': {
    table: 'temporary_orgs',
    where: sql`r.status = 'dissolved' and not (r.level = 'group' and exists (select 1 from temporary_orgs p where p.id = r.parent_id and p.dissolved_on = r.dissolved_on))`,
  },
});

/** How many records of the act have no signature; `decisions`: the monitoring steps that are signed decisions. */
export async function unsignedCount(db: Executor, act: ActKind, decisions: readonly string[]): Promise<number> {
  const { table, where } = RECORDS_OF(decisions)[act];
  const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)} r where ${where}
    and not exists (select 1 from signatures s where s.act = ${act} and s.entity_id = r.id)`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
