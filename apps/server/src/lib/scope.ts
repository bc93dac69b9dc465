import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Actor } from './actor.ts';

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
 * A member is visible when their unit lies in the actor's region, or when they hold (or held) a membership
 * in an organization of the actor's scope, or when they work for a unit linked to such an organization.
 */
export function memberInScope(actor: Actor, alias = 'members'): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  if (actor.regionCode !== null) parts.push(underRegion(`${alias}.region_code`, actor.regionCode));
  if (actor.orgPath !== null) {
    const path = `${actor.orgPath}%`;
    parts.push(sql<SqlBool>`exists (select 1 from memberships sm inner join temporary_orgs so on so.id = sm.org_id
      where sm.member_id = ${sql.ref(`${alias}.id`)} and so.path like ${path})`);
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
      inner join temporary_orgs so on so.id = sm.org_id where sp.unit_id = ${sql.ref(`${alias}.id`)} and so.path like ${path})`);
  }
  return any(parts);
}

/** Formal (home) party organizations the actor answers for: the one they act for, and those in their region. */
export function homeOrgInScope(actor: Actor, alias = 'party_orgs'): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  if (actor.actingPartyOrgId) parts.push(sql<SqlBool>`${sql.ref(`${alias}.id`)} = ${actor.actingPartyOrgId}`);
  if (actor.regionCode !== null) parts.push(underRegion(`${alias}.region_code`, actor.regionCode));
  return any(parts);
}
