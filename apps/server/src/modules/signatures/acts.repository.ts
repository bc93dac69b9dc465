import type { Executor } from '../../db/index.ts';

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
} satisfies Record<string, (db: Executor, entityId: string) => Promise<Record<string, unknown> | null>>;

export type ActKind = keyof typeof ACTS;

export const isAct = (act: string): act is ActKind => Object.hasOwn(ACTS, act);
