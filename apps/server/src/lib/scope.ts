import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Actor } from './actor.ts';
import { Problem } from './problem.ts';

const never = sql<SqlBool>`1 = 0`;

/**
 * "This region code lies under that prefix", as a range an index can serve on both databases (LIKE 'p%' uses no
 * index on SQLite's default collation nor on PostgreSQL's without text_pattern_ops). Codes are digit strings: the
 * prefix's successor bounds the range (411321106 → [411321106, 411321107)).
 */
export function underRegion(column: string, prefix: string): RawBuilder<SqlBool> {
  if (prefix === '') return sql<SqlBool>`1 = 1`;
  if (!/^\d+$/.test(prefix)) return sql<SqlBool>`${sql.ref(column)} like ${`${prefix}%`}`;
  const next = (BigInt(prefix) + 1n).toString().padStart(prefix.length, '0');
  return sql<SqlBool>`(${sql.ref(column)} >= ${prefix} and ${sql.ref(column)} < ${next})`;
}
const any = (parts: RawBuilder<SqlBool>[]) =>
  parts.length === 0 ? never : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;

/**
 * Is this temporary organization inside the actor's scope? Applied in the SQL of every list and lookup.
 * `alias` names the copy of temporary_orgs to test (e.g. a joined parent).
 */
export function orgInScope(actor: Actor, alias = 'temporary_orgs'): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  if (actor.regionCode !== null) parts.push(underRegion(`${alias}.region_code`, actor.regionCode));
  if (actor.orgPath !== null) parts.push(sql<SqlBool>`${sql.ref(`${alias}.path`)} like ${`${actor.orgPath}%`}`);
  return any(parts);
}

/**
 * A membership made by linking a member by need for one item (DOMAIN §8: "their access covers that item and ends
 * when it closes") gives the organization no wider reach: not the member's other records, not their unit's people,
 * not the households they help. Members come from any unit and any township for an item; counting their link as
 * the organization's would let a branch reach anyone in the county through one item.
 */
export function notLinkedByNeed(membership: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`not exists (select 1 from item_members lim where lim.membership_id = ${sql.ref(`${membership}.id`)})`;
}

/**
 * A member is visible when their unit lies in the actor's region, or when they hold (or held) a membership
 * in an organization of the actor's scope, or when they work for a unit linked to such an organization.
 */
export function memberInScope(actor: Actor, alias = 'members'): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  if (actor.regionCode !== null) parts.push(underRegion(`${alias}.region_code`, actor.regionCode));
  if (actor.orgPath !== null) {
    const path = `${actor.orgPath}%`;
    parts.push(sql<SqlBool>`exists (select 1 from memberships sm inner join temporary_orgs so on so.id = sm.org_id
      where sm.member_id = ${sql.ref(`${alias}.id`)} and so.path like ${path} and ${notLinkedByNeed('sm')})`);
    parts.push(sql<SqlBool>`exists (select 1 from org_units su inner join temporary_orgs suo on suo.id = su.org_id
      where su.unit_id = ${sql.ref(`${alias}.unit_id`)} and suo.path like ${path})`);
  }
  return any(parts);
}

/** Units: in the actor's region, or linked to / employing members of an organization in scope. */
export function unitInScope(actor: Actor, alias = 'units'): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  if (actor.regionCode !== null) parts.push(underRegion(`${alias}.region_code`, actor.regionCode));
  if (actor.orgPath !== null) {
    const path = `${actor.orgPath}%`;
    parts.push(sql<SqlBool>`exists (select 1 from org_units su inner join temporary_orgs suo on suo.id = su.org_id
      where su.unit_id = ${sql.ref(`${alias}.id`)} and suo.path like ${path})`);
    parts.push(sql<SqlBool>`exists (select 1 from members sp inner join memberships sm on sm.member_id = sp.id
      inner join temporary_orgs so on so.id = sm.org_id where sp.unit_id = ${sql.ref(`${alias}.id`)} and so.path like ${path}
      and ${notLinkedByNeed('sm')})`);
  }
  return any(parts);
}

/**
 * Formal (home) party organizations the actor answers for: the committee they act for and the organizations under it
 * in the tree; an account acting for none, those of its region.
 */
export function homeOrgInScope(actor: Actor, alias = 'party_orgs'): RawBuilder<SqlBool> {
  // An account acting for a committee answers for the formal organizations under it in the tree (DOMAIN §3): the
  // county public-security committee for the police station's branch, not the township where the station sits.
  if (actor.actingPartyOrgId) {
    return sql<SqlBool>`(${sql.ref(`${alias}.id`)} = ${actor.actingPartyOrgId} or ${sql.ref(`${alias}.path`)} like (
      select ap.path from party_orgs ap where ap.id = ${actor.actingPartyOrgId}) || '%')`;
  }
  return any(actor.regionCode !== null ? [underRegion(`${alias}.region_code`, actor.regionCode)] : []);
}

/**
 * Households an account may read: those of its region, and for an account tied to an organization those of the
 * villages that organization covers. Only the account's own organization counts, not its subtree: a child's
 * coverage nests inside its parent's, and a child that somehow covers more must not widen the account's reach.
 */
export function householdInScope(actor: Actor, alias = 'h'): RawBuilder<SqlBool> {
  const reach = reachOf(actor);
  return reach === null ? sql<SqlBool>`1 = 1` : any(reach.map((area) => underRegion(`${alias}.region_code`, area)));
}

/**
 * Households an account may change (helpers, visits, measures, exits, monitoring): for a region account, those it
 * reads; for an account tied to an organization, only those that organization serves, i.e. one of the household's
 * current helpers holds a current membership in the organization or its party groups. Seeing a village is not
 * serving every household in it.
 */
export function householdServed(actor: Actor, today: string, alias = 'h'): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  if (actor.regionCode !== null) parts.push(underRegion(`${alias}.region_code`, actor.regionCode));
  if (actor.coverage !== null && actor.orgPath !== null) {
    parts.push(sql<SqlBool>`(${any(actor.coverage.map((area) => underRegion(`${alias}.region_code`, area)))} and exists (select 1 from helpers sh
      inner join memberships sm on sm.member_id = sh.member_id
      inner join temporary_orgs so on so.id = sm.org_id
      where sh.household_id = ${sql.ref(`${alias}.id`)}
        and sh.start_on <= ${today} and (sh.end_on is null or sh.end_on > ${today})
        and sm.start_on <= ${today} and (sm.end_on is null or sm.end_on > ${today}) and ${notLinkedByNeed('sm')}
        and so.path like ${`${actor.orgPath}%`}))`);
  }
  return any(parts);
}

/** The region codes an organization covers (its seat is always among them). */
/** An account's columns, as the session and the chase sweep read them. */
export interface AccountScope {
  id: string;
  username: string;
  display_name: string;
  role: Actor['role'];
  scope_region_code: string | null;
  scope_org_id: string | null;
  org_path?: string | null;
  acting_party_org_id: string | null;
  member_id: string | null;
}

/**
 * The actor an account acts as: its role and its part of the trees, with its organization's reach read once (literal
 * prefixes, so that every scoped list uses index ranges instead of matching each row against a pattern).
 */
export async function actorOfAccount(db: Executor, a: AccountScope, requestId: string): Promise<Actor> {
  return {
    userId: a.id,
    username: a.username,
    displayName: a.display_name,
    role: a.role,
    regionCode: a.scope_region_code,
    orgPath: a.org_path ?? null,
    orgId: a.scope_org_id,
    coverage: a.scope_org_id ? await coverageOf(db, a.scope_org_id) : null,
    actingPartyOrgId: a.acting_party_org_id,
    memberId: a.member_id,
    requestId,
  };
}

export async function coverageOf(db: Executor, orgId: string): Promise<string[]> {
  const rows = await db.selectFrom('org_regions').select('region_code').where('org_id', '=', orgId).execute();
  return rows.map((r) => r.region_code);
}

/** Does a region code lie inside one of these areas? Codes are hierarchical: an area is a prefix. */
export const liesWithin = (code: string, areas: readonly string[]) => areas.some((a) => code.startsWith(a));

/**
 * The areas an account may place records in: its region, or, for an account tied to an organization, what that
 * organization covers. Null means anywhere (the system itself); an empty list, nowhere.
 */
export function reachOf(actor: Actor): string[] | null {
  if (actor.regionCode === '') return null;
  return [...(actor.regionCode !== null ? [actor.regionCode] : []), ...(actor.coverage ?? [])];
}

/**
 * The one county or township a list is confined to, by the areas the account reads (null: all) and the region asked
 * for, as an equality on the first 6 or 9 digits of the place (`substr(code, 1, n) = …`): indexes on that expression
 * (migration 0047) keep a list's order within it, so that a page is read from the index instead of sorting the
 * county. Always true when the list is not confined to one such region: the range conditions alone decide then.
 */
export function confinedTo(reach: string[] | null, column: string, region: string | undefined): RawBuilder<SqlBool> {
  const areas = reach ?? [''];
  let area: string | undefined;
  if (areas.length === 1) {
    const own = areas[0] as string;
    if (region === undefined) area = own;
    else if (region.startsWith(own)) area = region;
    else if (own.startsWith(region)) area = own;
  }
  if (area === undefined || (area.length !== 6 && area.length !== 9)) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`substr(${sql.ref(column)}, 1, ${sql.lit(area.length)}) = ${area}`;
}

/** Does the account reach this place (its region, or what its organization covers)? */
export function regionInReach(actor: Actor, code: string): boolean {
  const reach = reachOf(actor);
  return reach === null || liesWithin(code, reach);
}

/**
 * The rule behind every record that takes a region (an organization's seat and covered places, a unit, a household,
 * a report, an item, a chain's or project's places): each code names a real region inside the caller's reach and,
 * when the record belongs to an organization, inside what that organization covers. A record placed outside would
 * widen the reach of whoever placed it (an organization's coverage is its account's household scope), so nothing a
 * user creates may reach beyond what the user already reaches; only the security administrator's explicit change of
 * an account's scope widens it. Answers 400 `region_outside_scope` naming the offending codes.
 */
export async function assertRegionsWithin(
  db: Executor,
  actor: Actor,
  codes: { path: string; code: string }[],
  options: { within?: readonly string[] } = {},
): Promise<void> {
  const reach = reachOf(actor);
  const known = new Set(
    codes.length
      ? (
          await db
            .selectFrom('regions')
            .select('code')
            .where('code', 'in', [...new Set(codes.map((c) => c.code))])
            .execute()
        ).map((r) => r.code)
      : [],
  );
  const bad = codes.filter(
    ({ code }) =>
      !known.has(code) ||
      (reach !== null && !liesWithin(code, reach)) ||
      (options.within !== undefined && !liesWithin(code, options.within)),
  );
  if (bad.length) {
    throw new Problem(
      400,
      'region_outside_scope',
      '区划不存在，或不在本账号的管辖范围、上级组织的覆盖范围之内',
      bad.map((b) => ({ path: b.path, message: b.code })),
    );
  }
}

/**
 * Organizations placed or covering beyond their parent's coverage: what the rule above now refuses, found among
 * records made before it (an upgraded county checks its tree once with `lianjian check-coverage`).
 */
export async function coverageBeyondParent(db: Executor): Promise<{ id: string; name: string; regionCode: string }[]> {
  const rows = await db
    .selectFrom('org_regions as r')
    .innerJoin('temporary_orgs as o', 'o.id', 'r.org_id')
    .select(['o.id', 'o.name', 'r.region_code'])
    .where('o.parent_id', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('org_regions as pr')
            .select('pr.org_id')
            .whereRef('pr.org_id', '=', 'o.parent_id')
            .where(sql<SqlBool>`r.region_code like pr.region_code || '%'`),
        ),
      ),
    )
    .orderBy('o.path')
    .orderBy('r.region_code')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, regionCode: r.region_code }));
}
