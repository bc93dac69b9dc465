import { sql } from 'kysely';
import type { Db, Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { orgInScope, underRegion } from '../../lib/scope.ts';
import { activeOn, orgExistedOn } from '../orgs/orgs.repository.ts';

/**
 * The SQL of the overview's structure (organizations, members, units by township or branch, as of a day) and of the
 * daily snapshots. The cockpit's work figures read through cockpit.repository.ts, the link network through
 * network.repository.ts.
 */

/** Organizations in scope that existed on the day, optionally under a region. */
function orgsOn(db: Executor, actor: Actor, asOf: string, region?: string) {
  let q = db.selectFrom('temporary_orgs as o').where(orgInScope(actor, 'o')).where(orgExistedOn('o', asOf));
  if (region) q = q.where(underRegion('o.region_code', region));
  return q;
}

/** The structure of a scope on a day: organizations by level and status, members and units linked, by township. */
export async function structureOn(db: Executor, actor: Actor, asOf: string, region?: string) {
  const base = () => orgsOn(db, actor, asOf, region);
  const [levels, statuses, members, units, townships] = await Promise.all([
    base()
      .select(['o.level', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('o.level')
      .execute(),
    base()
      .select(['o.status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('o.status')
      .execute(),
    base()
      .innerJoin('memberships as m', 'm.org_id', 'o.id')
      .where(activeOn('m', asOf))
      .select(sql<number>`count(distinct m.member_id)`.as('n'))
      .executeTakeFirstOrThrow(),
    base()
      .innerJoin('org_units as ou', 'ou.org_id', 'o.id')
      .where('ou.linked_on', '<=', asOf)
      .select(sql<number>`count(distinct ou.unit_id)`.as('n'))
      .executeTakeFirstOrThrow(),
    base()
      .innerJoin('regions as t', (j) => j.on(sql<boolean>`t.code = substr(o.region_code, 1, 9)`))
      .where('t.level', '=', 'township')
      .leftJoin('memberships as m', (j) => j.onRef('m.org_id', '=', 'o.id').on(activeOn('m', asOf)))
      .select([
        't.code',
        't.name',
        sql<number>`count(distinct case when o.level = 'branch' then o.id end)`.as('branches'),
        sql<number>`count(distinct m.member_id)`.as('members'),
      ])
      .groupBy(['t.code', 't.name'])
      .orderBy('t.code')
      .execute(),
  ]);
  return { levels, statuses, members, units, townships };
}

/** Within one township: its branches with their groups and members on the day, the largest first, at most `limit`. */
export const branchesOn = (db: Executor, actor: Actor, asOf: string, region: string | undefined, limit: number) =>
  orgsOn(db, actor, asOf, region)
    .where('o.level', '=', 'branch')
    .select([
      'o.id',
      'o.name',
      sql<number>`(select count(*) from temporary_orgs g where g.parent_id = o.id and g.level = 'group' and ${orgExistedOn('g', asOf)})`.as(
        'groups',
      ),
      sql<number>`(select count(distinct m.member_id) from memberships m inner join temporary_orgs s on s.id = m.org_id
        where s.path like o.path || '%' and ${activeOn('m', asOf)})`.as('members'),
    ])
    .orderBy('members', 'desc')
    .orderBy('o.name')
    .limit(limit)
    .execute();

export const counties = (db: Db) =>
  db.selectFrom('regions').select(['code', 'name']).where('level', '=', 'county').orderBy('code').execute();

/** The counties whose snapshot of the day exists. */
export const snapshotScopesOn = async (db: Db, asOf: string) =>
  new Set(
    (await db.selectFrom('stat_snapshots').select('scope_code').where('as_of', '=', asOf).execute()).map(
      (r) => r.scope_code,
    ),
  );

/** Stores (or replaces) a county's snapshot of a day. */
export const putSnapshot = (db: Db, row: { as_of: string; scope_code: string; computed_at: string; payload: string }) =>
  db
    .insertInto('stat_snapshots')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['as_of', 'scope_code']).doUpdateSet({ computed_at: row.computed_at, payload: row.payload }),
    )
    .execute();

/** Marks a day's snapshots complete. */
export const putSnapshotDay = (
  db: Db,
  day: { as_of: string; counties: number; computed_at: string; seconds: number },
) =>
  db
    .insertInto('stat_snapshot_days')
    .values(day)
    .onConflict((oc) =>
      oc.column('as_of').doUpdateSet({ counties: day.counties, computed_at: day.computed_at, seconds: day.seconds }),
    )
    .execute();

/** The latest day on or before `onOrBefore` whose snapshots are complete, or undefined. */
export const latestSnapshotDay = (db: Db, onOrBefore: string) =>
  db
    .selectFrom('stat_snapshot_days')
    .select(['as_of', 'computed_at', 'counties'])
    .where('as_of', '<=', onOrBefore)
    .orderBy('as_of', 'desc')
    .limit(1)
    .executeTakeFirst();

/** The counties' snapshots of a day under a scope, with their names. */
export const snapshotsUnder = (db: Db, scope: string, asOf: string) =>
  db
    .selectFrom('stat_snapshots as s')
    .innerJoin('regions as r', 'r.code', 's.scope_code')
    .select(['s.scope_code', 's.payload', 'r.name'])
    .where('s.as_of', '=', asOf)
    .where(underRegion('s.scope_code', scope))
    .orderBy('s.scope_code')
    .execute();
