import type { Executor } from '../../db/index.ts';
import { contains } from '../../lib/like.ts';
import { underRegion } from '../../lib/scope.ts';
import { activeOn } from '../orgs/orgs.repository.ts';

/** What the account-shape check and the account form read (account-shape.ts). */

export const SECRETARY_POSTS = ['secretary', 'deputy_secretary'] as const;

export const regionExists = async (db: Executor, code: string) =>
  Boolean(await db.selectFrom('regions').select('code').where('code', '=', code).executeTakeFirst());

/** An organization and what it covers, in one read: one row per covered region (none: one row with null). */
export const orgWithCoverage = (db: Executor, orgId: string) =>
  db
    .selectFrom('temporary_orgs as t')
    .leftJoin('org_regions as r', 'r.org_id', 't.id')
    .select(['t.name', 't.level', 't.status', 't.region_code', 'r.region_code as covered'])
    .where('t.id', '=', orgId)
    .orderBy('r.region_code')
    .execute();

/**
 * Whether the person holds, on the day, the organization's secretary or deputy post (`secretary`), or else any place
 * in the organization or one of its party groups.
 */
export async function holdsPlace(db: Executor, memberId: string, orgId: string, secretary: boolean, day: string) {
  const held = db
    .selectFrom('memberships as m')
    .innerJoin('temporary_orgs as t', 't.id', 'm.org_id')
    .select('m.id')
    .where('m.member_id', '=', memberId)
    .where(activeOn('m', day));
  return Boolean(
    await (secretary
      ? held.where('t.id', '=', orgId).where('m.role', 'in', SECRETARY_POSTS)
      : held.where((eb) =>
          eb.or([eb('t.id', '=', orgId), eb.and([eb('t.parent_id', '=', orgId), eb('t.level', '=', 'group')])]),
        )
    ).executeTakeFirst(),
  );
}

/** Every account's role and scope, by username. */
export const accountShapes = (db: Executor) =>
  db
    .selectFrom('users')
    .select(['id', 'username', 'role', 'scope_region_code', 'scope_org_id', 'acting_party_org_id', 'member_id'])
    .orderBy('username')
    .execute();

/** The county and township committees under a region. */
export const committeesIn = (db: Executor, region: string) =>
  db
    .selectFrom('party_orgs')
    .select(['id', 'name', 'kind', 'region_code'])
    .where('kind', 'in', ['county_committee', 'township_committee'])
    .where(underRegion('region_code', region))
    .orderBy('region_code')
    .orderBy('name')
    .limit(500)
    .execute();

/** Up to 20 live organizations (not party groups) under a region: the one asked for, or by name. */
export function liveOrgsIn(
  db: Executor,
  region: string,
  q: { orgId?: string | undefined; orgQuery?: string | undefined },
) {
  let orgQuery = db
    .selectFrom('temporary_orgs')
    .select(['id', 'name', 'level'])
    .where('status', '!=', 'dissolved')
    .where('level', '!=', 'group')
    .where(underRegion('region_code', region));
  if (q.orgId) orgQuery = orgQuery.where('id', '=', q.orgId);
  else if (q.orgQuery) orgQuery = orgQuery.where(contains('name', q.orgQuery));
  return orgQuery.orderBy('name').orderBy('id').limit(20).execute();
}

/** The people in these organizations or their party groups on the day, by name. */
export const peopleIn = (db: Executor, ids: string[], day: string) =>
  ids.length
    ? db
        .selectFrom('memberships as m')
        .innerJoin('temporary_orgs as t', 't.id', 'm.org_id')
        .innerJoin('members as p', 'p.id', 'm.member_id')
        .select(['t.id as org_id', 't.parent_id', 't.level', 'm.role', 'm.member_id', 'p.name'])
        .where(activeOn('m', day))
        .where((eb) =>
          eb.or([eb('t.id', 'in', ids), eb.and([eb('t.parent_id', 'in', ids), eb('t.level', '=', 'group')])]),
        )
        .orderBy('p.name')
        .orderBy('m.member_id')
        .execute()
    : Promise.resolve([]);

/** What these organizations cover. */
export const coverageOfOrgs = (db: Executor, ids: string[]) =>
  ids.length
    ? db
        .selectFrom('org_regions')
        .select(['org_id', 'region_code'])
        .where('org_id', 'in', ids)
        .orderBy('region_code')
        .execute()
    : Promise.resolve([]);
