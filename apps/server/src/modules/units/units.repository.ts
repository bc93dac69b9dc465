import { type Insertable, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { PartyOrgTable, UnitTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { contains, startsWith } from '../../lib/like.ts';
import { afterCursor, type Cursor } from '../../lib/paging.ts';
import { unitInScope, underRegion } from '../../lib/scope.ts';
import { type PartyOrgNode, paths, superiors } from './party-org-tree.ts';

/** A unit of the county's directory, by id: what an exit's verifier or an item's participant may name. */
export const unitInCounty = (db: Executor, id: string, county: string) =>
  db
    .selectFrom('units')
    .select(['id', 'name'])
    .where('id', '=', id)
    .where(underRegion('region_code', county))
    .executeTakeFirst();

const nodesOf = async (db: Executor, county?: string) =>
  (
    await sql<PartyOrgNode>`select p.id, p.name, p.kind, p.region_code, u.name as unit_name, u.region_code as unit_region_code
      from party_orgs p left join units u on u.id = p.unit_id
      ${county ? sql`where p.region_code like ${`${county}%`}` : sql``}`.execute(db)
  ).rows;

/** Places one newly registered formal organization in the tree of its county: its superior and its path. */
export async function placePartyOrg(db: Executor, id: string, county: string) {
  const parent = superiors(await nodesOf(db, county)).get(id) ?? null;
  const above = parent
    ? await db.selectFrom('party_orgs').select('path').where('id', '=', parent).executeTakeFirst()
    : undefined;
  const path = above?.path ? `${above.path}${id}/` : `/${id}/`;
  await db.updateTable('party_orgs').set({ parent_id: parent, path }).where('id', '=', id).execute();
  return { parentId: parent, path };
}

/** Places every formal organization (a register loaded in bulk). */
export async function placePartyOrgs(db: Executor) {
  const parents = superiors(await nodesOf(db));
  const tree = paths(parents);
  for (const [id, parent] of parents)
    await db
      .updateTable('party_orgs')
      .set({ parent_id: parent, path: tree.get(id) ?? null })
      .where('id', '=', id)
      .execute();
}

export interface UnitFilters {
  q?: string | undefined;
  type?: UnitTable['type'] | undefined;
  regionCode?: string | undefined;
}

/** A page of the units in scope, by name, with their member counts and the total under the same filters. */
export async function listUnits(db: Executor, actor: Actor, f: UnitFilters, limit: number, cursor: Cursor | null) {
  const filtered = () => {
    let b = db.selectFrom('units as u').where(unitInScope(actor, 'u'));
    const text = f.q;
    if (text) b = b.where((eb) => eb.or([contains('u.name', text), startsWith('u.name_initials', text.toLowerCase())]));
    if (f.type) b = b.where('u.type', '=', f.type);
    if (f.regionCode) b = b.where(underRegion('u.region_code', f.regionCode));
    return b;
  };
  let rows = filtered()
    .innerJoin('regions as r', 'r.code', 'u.region_code')
    .select([
      'u.id',
      'u.name',
      'u.type',
      'u.region_code',
      'r.name as region_name',
      'u.version',
      sql<number>`(select count(*) from members p where p.unit_id = u.id)`.as('member_count'),
    ]);
  if (cursor) rows = rows.where(afterCursor('u.name', 'u.id', cursor, 'asc'));
  const [list, total] = await Promise.all([
    rows
      .orderBy('u.name')
      .orderBy('u.id')
      .limit(limit + 1)
      .execute(),
    filtered()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: list, total: Number(total.n) };
}

/** The duties of these units, by skill. */
export const dutiesOf = (db: Executor, unitIds: string[]) =>
  unitIds.length
    ? db
        .selectFrom('unit_duties')
        .select(['unit_id', 'skill'])
        .where('unit_id', 'in', unitIds)
        .orderBy('skill')
        .execute()
    : Promise.resolve([]);

/** A unit and its duties (each once). */
export async function insertUnit(tx: Executor, row: Insertable<UnitTable>, duties: readonly string[]) {
  await tx.insertInto('units').values(row).execute();
  for (const skill of new Set(duties))
    await tx
      .insertInto('unit_duties')
      .values({ unit_id: row.id as string, skill })
      .execute();
}

/** A unit in the actor's scope. */
export const unitInReach = (db: Executor, actor: Actor, id: string) =>
  db
    .selectFrom('units as u')
    .select(['u.id', 'u.version'])
    .where('u.id', '=', id)
    .where(unitInScope(actor, 'u'))
    .executeTakeFirst();

/** Replaces a unit's duties; answers the ones it had. */
export async function replaceDuties(tx: Executor, unitId: string, duties: readonly string[]) {
  const before = (await tx.selectFrom('unit_duties').select('skill').where('unit_id', '=', unitId).execute()).map(
    (d) => d.skill,
  );
  await tx.deleteFrom('unit_duties').where('unit_id', '=', unitId).execute();
  for (const skill of new Set(duties)) await tx.insertInto('unit_duties').values({ unit_id: unitId, skill }).execute();
  return before;
}

export const insertPartyOrg = (tx: Executor, row: Insertable<PartyOrgTable>) =>
  tx.insertInto('party_orgs').values(row).execute();

/**
 * Where a formal organization sorts: by its region, the county before its townships and a township before its villages
 * (the code padded to a village's 12 digits), then by name.
 */
const partyOrgOrder = sql<string>`(substr(party_orgs.region_code || '000000000000', 1, 12) || party_orgs.name)`;

/**
 * A page of the formal party organizations under a region (none without one), with their superior's name, in region
 * then name order after the cursor, and the total under the same filters.
 */
export async function partyOrgsUnder(
  db: Executor,
  regionCode: string | null,
  q: string | undefined,
  limit: number,
  cursor: Cursor | null,
) {
  const filtered = () => {
    let b = db.selectFrom('party_orgs as party_orgs');
    b = regionCode === null ? b.where(sql<boolean>`1 = 0`) : b.where(underRegion('party_orgs.region_code', regionCode));
    if (q) b = b.where(contains('party_orgs.name', q));
    return b;
  };
  let rows = filtered()
    .leftJoin('party_orgs as sup', 'sup.id', 'party_orgs.parent_id')
    .select([
      'party_orgs.id',
      'party_orgs.name',
      'party_orgs.kind',
      'party_orgs.region_code',
      'party_orgs.parent_id',
      'sup.name as parent_name',
      partyOrgOrder.as('sort_key'),
    ]);
  if (cursor) rows = rows.where(afterCursor(partyOrgOrder, 'party_orgs.id', cursor, 'asc'));
  const [list, total] = await Promise.all([
    rows
      .orderBy('sort_key')
      .orderBy('party_orgs.id')
      .limit(limit + 1)
      .execute(),
    filtered()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: list, total: Number(total.n) };
}
