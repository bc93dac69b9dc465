import { type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { NewMembership, NewTemporaryOrg, TemporaryOrgRow, TemporaryOrgTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { type Cursor, afterCursor } from '../../lib/paging.ts';
import { memberInScope, orgInScope, unitInScope, underRegion } from '../../lib/scope.ts';
import { updateAtVersion } from '../../db/versioned.ts';
import { newId } from '../../lib/ids.ts';
import { contains, startsWith } from '../../lib/like.ts';

export interface OrgFilters {
  level?: string;
  kind?: string;
  parentId?: string;
  regionId?: string;
  status?: string;
  q?: string;
  roots?: boolean;
  /** With a date: only organizations that existed on it. Without: every record, dissolved ones included. */
  existedOn?: string;
  /** The day member counts are taken on. */
  asOf: string;
  sort: 'structure' | 'name' | 'establishedOn';
}

/** A membership is active on day D when it started on or before D and had not ended by D (end date exclusive). */
export const activeOn = (alias: string, day: string) =>
  sql<SqlBool>`(${sql.ref(`${alias}.start_on`)} <= ${day} and (${sql.ref(`${alias}.end_on`)} is null or ${sql.ref(`${alias}.end_on`)} > ${day}))`;

/** An organization existed on day D when established by D and not yet dissolved. */
export const orgExistedOn = (alias: string, day: string) =>
  sql<SqlBool>`(${sql.ref(`${alias}.established_on`)} <= ${day} and (${sql.ref(`${alias}.dissolved_on`)} is null or ${sql.ref(`${alias}.dissolved_on`)} > ${day}))`;

function filtered(db: Executor, actor: Actor, f: OrgFilters) {
  let q = db.selectFrom('temporary_orgs as o').where(orgInScope(actor, 'o'));
  if (f.existedOn) q = q.where(orgExistedOn('o', f.existedOn));
  if (f.level) q = q.where('o.level', '=', f.level as TemporaryOrgRow['level']);
  if (f.kind) q = q.where('o.kind', '=', f.kind as TemporaryOrgRow['kind']);
  if (f.parentId) q = q.where('o.parent_id', '=', f.parentId);
  if (f.status) q = q.where('o.status', '=', f.status as TemporaryOrgRow['status']);
  if (f.regionId) q = q.where(underRegion('o.region_code', f.regionId));
  if (f.q) {
    const term = f.q.toLowerCase();
    const text = f.q;
    q = q.where((eb) => eb.or([contains('o.name', text), startsWith('o.name_initials', term)]));
  }
  if (f.roots) {
    // A root is an organization whose parent would not itself be listed under the same scope and region.
    q = q.where((eb) =>
      eb.or([
        eb('o.parent_id', 'is', null),
        eb.not(
          eb.exists(
            eb
              .selectFrom('temporary_orgs as p')
              .select(sql`1`.as('one'))
              .whereRef('p.id', '=', 'o.parent_id')
              .where(orgInScope(actor, 'p'))
              .where(f.regionId ? underRegion('p.region_code', f.regionId) : sql<SqlBool>`1 = 1`),
          ),
        ),
      ]),
    );
  }
  return q;
}

const summaryColumns = (asOf: string) =>
  [
    'o.id',
    'o.name',
    'o.level',
    'o.kind',
    'o.parent_id',
    'o.status',
    'o.mode',
    'o.anchor_type',
    'o.anchor_name',
    'o.region_code',
    'o.established_on',
    'o.planned_end_on',
    'o.dissolved_on',
    'o.version',
    'o.path',
    sql<string>`(select r.name from regions r where r.code = o.region_code)`.as('region_name'),
    sql<number>`(select count(*) from temporary_orgs c where c.parent_id = o.id and ${orgExistedOn('c', asOf)})`.as(
      'child_count',
    ),
    sql<number>`(select count(distinct m.member_id) from memberships m inner join temporary_orgs s on s.id = m.org_id
      where s.path like o.path || '%' and ${activeOn('m', asOf)})`.as('member_count'),
  ] as const;

// The order of the tree: level, regular before special, region code, then name.
const structureOrder = sql<string>`((case o.level when 'committee' then '1' when 'general_branch' then '2'
  when 'branch' then '3' else '4' end) || o.kind || o.region_code || o.name)`;

export function orgSortKey(sort: OrgFilters['sort']) {
  return sort === 'structure'
    ? structureOrder
    : sql<string>`${sql.ref(sort === 'name' ? 'o.name' : 'o.established_on')}`;
}

export async function listOrgs(db: Executor, actor: Actor, f: OrgFilters, limit: number, cursor: Cursor | null) {
  const sortKey = orgSortKey(f.sort);
  let q = filtered(db, actor, f).select([...summaryColumns(f.asOf), sortKey.as('sort_key')]);
  if (cursor) q = q.where(afterCursor(sortKey, 'o.id', cursor, 'asc'));
  const rows = await q
    .orderBy('sort_key')
    .orderBy('o.id')
    .limit(limit + 1)
    .execute();
  const totalRow = await filtered(db, actor, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(totalRow.n) };
}

export type OrgSummaryRow = Awaited<ReturnType<typeof listOrgs>>['rows'][number];

/**
 * An organization in the actor's scope with the columns a rule needs; undefined outside it (the caller answers 404).
 * The one lookup every module uses to reach an organization by id.
 */
export function orgInReach<C extends keyof TemporaryOrgTable & string>(
  db: Executor,
  actor: Actor,
  id: string,
  columns: readonly C[],
) {
  return db
    .selectFrom('temporary_orgs as o')
    .select(columns.map((c) => `o.${c}` as `o.${C}`))
    .where('o.id', '=', id)
    .where(orgInScope(actor, 'o'))
    .executeTakeFirst();
}

/** One organization if it is in the actor's scope; otherwise undefined (the caller answers 404). */
export async function findOrg(db: Executor, actor: Actor, id: string, asOf: string) {
  return db
    .selectFrom('temporary_orgs as o')
    .select(summaryColumns(asOf))
    .select([
      'o.mission',
      'o.approving_party_org_id',
      'o.approving_org_id',
      'o.approved_on',
      'o.approval_doc_no',
      'o.name_initials',
    ])
    .where('o.id', '=', id)
    .where(orgInScope(actor, 'o'))
    .executeTakeFirst();
}

export type OrgRow = NonNullable<Awaited<ReturnType<typeof findOrg>>>;

export async function orgRelations(db: Executor, org: OrgRow) {
  const [approvingParty, approvingTemp, parent, regions, units] = await Promise.all([
    org.approving_party_org_id
      ? db
          .selectFrom('party_orgs')
          .select(['id', 'name'])
          .where('id', '=', org.approving_party_org_id)
          .executeTakeFirst()
      : undefined,
    org.approving_org_id
      ? db.selectFrom('temporary_orgs').select(['id', 'name']).where('id', '=', org.approving_org_id).executeTakeFirst()
      : undefined,
    org.parent_id
      ? db
          .selectFrom('temporary_orgs')
          .select(['id', 'name', 'level'])
          .where('id', '=', org.parent_id)
          .executeTakeFirst()
      : undefined,
    db
      .selectFrom('org_regions as orr')
      .innerJoin('regions as r', 'r.code', 'orr.region_code')
      .select(['r.code', 'r.name'])
      .where('orr.org_id', '=', org.id)
      .orderBy('r.code')
      .execute(),
    db
      .selectFrom('org_units as ou')
      .innerJoin('units as u', 'u.id', 'ou.unit_id')
      .select(['u.id', 'u.name', 'u.type', 'ou.linked_on', 'ou.purpose'])
      .where('ou.org_id', '=', org.id)
      .orderBy('ou.linked_on')
      .orderBy('u.name')
      .execute(),
  ]);
  return { approvingParty, approvingTemp, parent, regions, units };
}

export const insertOrg = (tx: Executor, row: NewTemporaryOrg) => tx.insertInto('temporary_orgs').values(row).execute();

/** Optimistic update: returns false when the version is stale. */
export async function updateOrg(
  tx: Executor,
  id: string,
  version: number,
  patch: Partial<Omit<NewTemporaryOrg, 'id' | 'version'>>,
): Promise<boolean> {
  const r = await tx
    .updateTable('temporary_orgs')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function rawOrg(db: Executor, id: string) {
  return db.selectFrom('temporary_orgs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function liveChildren(db: Executor, orgId: string) {
  return db
    .selectFrom('temporary_orgs')
    .select(['id', 'level', 'status', 'version'])
    .where('parent_id', '=', orgId)
    .where('status', '!=', 'dissolved')
    .execute();
}

export interface MembershipFilters {
  orgId: string;
  orgPath: string;
  includeGroups: boolean;
  status: 'active' | 'ended' | 'all';
  role?: string;
  asOf: string;
}

// Leaders first, then by start date: the order a branch's roster is read in.
const rosterOrder = sql<string>`((case m.role when 'secretary' then '1' when 'deputy_secretary' then '2'
  when 'committee_member' then '3' when 'group_leader' then '4' else '5' end) || m.start_on)`;

function membershipsFiltered(db: Executor, f: MembershipFilters) {
  let q = db
    .selectFrom('memberships as m')
    .innerJoin('temporary_orgs as o', 'o.id', 'm.org_id')
    .innerJoin('members as p', 'p.id', 'm.member_id');
  q = f.includeGroups
    ? q.where((eb) =>
        eb.or([eb('o.id', '=', f.orgId), eb.and([eb('o.parent_id', '=', f.orgId), eb('o.level', '=', 'group')])]),
      )
    : q.where('o.id', '=', f.orgId);
  if (f.status === 'active') q = q.where(activeOn('m', f.asOf));
  if (f.status === 'ended') q = q.where('m.end_on', 'is not', null).where('m.end_on', '<=', f.asOf);
  if (f.role) q = q.where('m.role', '=', f.role as NewMembership['role']);
  return q;
}

export async function listMemberships(db: Executor, f: MembershipFilters, limit: number, cursor: Cursor | null) {
  let q = membershipsFiltered(db, f)
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .leftJoin('party_orgs as h', 'h.id', 'p.home_party_org_id')
    .select([
      'm.id',
      'm.org_id',
      'o.name as org_name',
      'o.level as org_level',
      'm.member_id',
      'p.name as member_name',
      'u.name as unit_name',
      'h.name as home_org_name',
      'm.role',
      'm.start_on',
      'm.end_on',
      'm.end_reason',
      'm.link_reason',
      'm.version',
      sql<string | null>`coalesce(
        (select d.name from party_orgs d where d.id = m.designated_by_party_org_id),
        (select t.name from temporary_orgs t where t.id = m.designated_by_org_id))`.as('designated_by'),
      sql<number>`case when ${activeOn('m', f.asOf)} then 1 else 0 end`.as('active'),
      rosterOrder.as('sort_key'),
    ]);
  if (cursor) q = q.where(afterCursor(rosterOrder, 'm.id', cursor, 'asc'));
  const rows = await q
    .orderBy('sort_key')
    .orderBy('m.id')
    .limit(limit + 1)
    .execute();
  const total = await membershipsFiltered(db, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

export async function findMembership(db: Executor, orgId: string, id: string) {
  return db.selectFrom('memberships').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
}

export async function activeMembershipOf(db: Executor, orgId: string, memberId: string, day: string) {
  return db
    .selectFrom('memberships as m')
    .select(['m.id', 'm.role'])
    .where('m.org_id', '=', orgId)
    .where('m.member_id', '=', memberId)
    .where(activeOn('m', day))
    .executeTakeFirst();
}

export async function activeHolderOfRole(db: Executor, orgId: string, role: NewMembership['role'], day: string) {
  return db
    .selectFrom('memberships as m')
    .select(['m.id'])
    .where('m.org_id', '=', orgId)
    .where('m.role', '=', role)
    .where(activeOn('m', day))
    .executeTakeFirst();
}

/** Organizations in which this member currently leads (secretary or deputy secretary). */
export async function leadershipOf(db: Executor, memberId: string | null, day: string): Promise<Set<string>> {
  if (!memberId) return new Set();
  const rows = await db
    .selectFrom('memberships as m')
    .select('m.org_id')
    .where('m.member_id', '=', memberId)
    .where('m.role', 'in', ['secretary', 'deputy_secretary'])
    .where(activeOn('m', day))
    .execute();
  return new Set(rows.map((r) => r.org_id));
}

export const insertMembership = (tx: Executor, row: NewMembership) =>
  tx.insertInto('memberships').values(row).execute();

export async function endMembership(
  tx: Executor,
  id: string,
  version: number,
  endOn: string,
  endReason: string,
  now: string,
): Promise<boolean> {
  const r = await tx
    .updateTable('memberships')
    .set({ end_on: endOn, end_reason: endReason, version: version + 1, updated_at: now })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('end_on', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Ends every open membership of these organizations on the given day (dissolution). */
export async function endAllMemberships(tx: Executor, orgIds: string[], endOn: string, reason: string, now: string) {
  if (orgIds.length === 0) return 0;
  const r = await tx
    .updateTable('memberships')
    .set((eb) => ({ end_on: endOn, end_reason: reason, version: eb('version', '+', 1), updated_at: now }))
    .where('org_id', 'in', orgIds)
    .where((eb) => eb.or([eb('end_on', 'is', null), eb('end_on', '>', endOn)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * The roles a member holds or held in an organization and its groups (any date): who counts as one of its
 * members when it observes, supervises or recommends.
 */
export async function rolesInSubtree(db: Executor, memberId: string, path: string): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('temporary_orgs as o', 'o.id', 'm.org_id')
    .select('m.role')
    .where('m.member_id', '=', memberId)
    .where('o.path', 'like', `${path}%`)
    .execute();
  return rows.map((r) => r.role);
}

/** The latest day a membership of these organizations began, ended or not: a dissolution is dated no earlier. */
export async function latestMembershipStart(tx: Executor, orgIds: string[]): Promise<string | null> {
  const row = await tx
    .selectFrom('memberships')
    .select((eb) => eb.fn.max('start_on').as('on'))
    .where('org_id', 'in', orgIds)
    .executeTakeFirst();
  return row?.on ?? null;
}

/**
 * Ends a member's live memberships in the party groups and other organizations below `path` (not in `except`, the
 * organization whose membership ended), on the same day; returns the ids ended.
 */
export async function endMembershipsInSubtree(
  tx: Executor,
  path: string,
  memberId: string,
  except: string,
  endOn: string,
  reason: string,
  now: string,
): Promise<string[]> {
  const rows = await tx
    .selectFrom('memberships as m')
    .innerJoin('temporary_orgs as o', 'o.id', 'm.org_id')
    .select('m.id')
    .where('m.member_id', '=', memberId)
    .where('o.id', '!=', except)
    .where(startsWith('o.path', path))
    .where((eb) => eb.or([eb('m.end_on', 'is', null), eb('m.end_on', '>', endOn)]))
    .where('m.start_on', '<', endOn)
    .execute();
  const ids = rows.map((r) => r.id);
  if (ids.length) {
    await tx
      .updateTable('memberships')
      .set((eb) => ({ end_on: endOn, end_reason: reason, version: eb('version', '+', 1), updated_at: now }))
      .where('id', 'in', ids)
      .execute();
  }
  return ids;
}

/** The formal Party organization an account acts for: its kind and seat (which decide what it may approve). */
export const partyOrgSeat = (db: Executor, id: string) =>
  db.selectFrom('party_orgs').select(['kind', 'region_code']).where('id', '=', id).executeTakeFirst();

/** A unit the actor reaches (a linked unit's members come into the organization's member scope). */
export const unitInReach = (db: Executor, actor: Actor, id: string) =>
  db.selectFrom('units').select(['id', 'name']).where('id', '=', id).where(unitInScope(actor)).executeTakeFirst();

/** A person of the register the actor reaches, with whether they are a party member. */
export const memberInReach = (db: Executor, actor: Actor, id: string) =>
  db
    .selectFrom('members')
    .select(['id', 'name', 'party_status'])
    .where('id', '=', id)
    .where(memberInScope(actor))
    .executeTakeFirst();

/** The villages an organization covers. */
export async function insertCoverage(tx: Executor, orgId: string, regionCodes: readonly string[]) {
  for (const code of regionCodes)
    await tx.insertInto('org_regions').values({ org_id: orgId, region_code: code }).execute();
}

export const isUnitLinked = async (db: Executor, orgId: string, unitId: string) =>
  Boolean(
    await db
      .selectFrom('org_units')
      .select('unit_id')
      .where('org_id', '=', orgId)
      .where('unit_id', '=', unitId)
      .executeTakeFirst(),
  );

export const linkUnit = (
  tx: Executor,
  row: { org_id: string; unit_id: string; linked_on: string; purpose: string | null },
) => tx.insertInto('org_units').values(row).execute();

/** Whether the organization is listed for rectification and not yet delisted. */
export const rectificationOpen = async (db: Executor, orgId: string) =>
  Boolean(
    await db
      .selectFrom('rectifications')
      .select('id')
      .where('org_id', '=', orgId)
      .where('status', '=', 'listed')
      .executeTakeFirst(),
  );

/** The items of these organizations not yet closed. */
/** Open items the organizations own or were escalated to: each is worked on by one of them. */
export const openItemsOf = (db: Executor, orgIds: string[]) =>
  db
    .selectFrom('items')
    .select(['id', 'no', 'version', 'org_id', 'escalated_to_org_id'])
    .where((eb) => eb.or([eb('org_id', 'in', orgIds), eb('escalated_to_org_id', 'in', orgIds)]))
    .where('status', '<>', 'closed')
    .execute();

/**
 * Hands an item of organizations being dissolved (`leaving`) over to a successor at `version`, with the public event
 * that says so; false when the item changed meanwhile. An item they own goes to the successor; an item escalated to
 * them is worked on by the successor instead, or, when the successor is the item's own organization, handed back to it.
 */
export async function handOverItem(
  tx: Executor,
  item: { id: string; version: number; org_id: string; escalated_to_org_id: string | null },
  leaving: string[],
  successor: { id: string; name: string },
  by: { userId: string | null; label: string },
  at: string,
) {
  const owned = leaving.includes(item.org_id);
  const owner = owned ? successor.id : item.org_id;
  const escalatedHere = item.escalated_to_org_id !== null && leaving.includes(item.escalated_to_org_id);
  const escalatedTo = escalatedHere ? (successor.id === owner ? null : successor.id) : item.escalated_to_org_id;
  const moved = await updateAtVersion(tx, 'items', item.id, item.version, {
    ...(owned ? { org_id: successor.id, handed_over_to_org_id: successor.id, responsible_group_id: null } : {}),
    escalated_to_org_id: escalatedTo,
    updated_at: at,
  });
  if (!moved) return false;
  await tx
    .insertInto('item_events')
    .values({
      id: newId(),
      item_id: item.id,
      at,
      user_id: by.userId,
      actor_label: by.label,
      kind: 'handover',
      text: owned
        ? `原组织撤销，移交${successor.name}继续办理`
        : escalatedTo === null
          ? `上交的组织撤销，交回${successor.name}继续办理`
          : `上交的组织撤销，转由${successor.name}继续办理`,
      public: 1,
      from_status: null,
      to_status: null,
    })
    .execute();
  return true;
}

/**
 * What the organization roster (组织花名册) adds to a page of the list: the approval, the parent's name and the
 * leaders holding office on the day, for organizations of the actor's scope only.
 */
export async function rosterExtras(db: Executor, actor: Actor, ids: string[], day: string) {
  if (ids.length === 0) return { orgs: [], leaders: [] };
  const orgs = await db
    .selectFrom('temporary_orgs as o')
    .leftJoin('temporary_orgs as p', 'p.id', 'o.parent_id')
    .select(['o.id', 'o.approved_on', 'o.approval_doc_no', 'p.name as parent_name'])
    .where('o.id', 'in', ids)
    .where(orgInScope(actor, 'o'))
    .execute();
  const leaders = await db
    .selectFrom('memberships as s')
    .innerJoin('temporary_orgs as o', 'o.id', 's.org_id')
    .innerJoin('members as m', 'm.id', 's.member_id')
    .select(['s.org_id', 's.role', 'm.name'])
    .where('s.org_id', 'in', ids)
    .where(orgInScope(actor, 'o'))
    .where('s.role', '!=', 'member')
    .where(activeOn('s', day))
    .orderBy('s.org_id')
    .orderBy('s.role')
    .orderBy('s.start_on')
    .execute();
  return { orgs, leaders };
}
