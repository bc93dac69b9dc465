import { type CoverageCondition, DEFAULT_COVERAGE_RULES, type HelperRole } from '@lianjian/shared';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { type Cursor, afterCursor } from '../../lib/paging.ts';
import { newId } from '../../lib/ids.ts';
import { householdInScope, underRegion } from '../../lib/scope.ts';
import { householdStatusOn } from './households.repository.ts';

/** The SQL of coverage (DOMAIN §5): the county's rules, the gap predicates over households `h`, helpers' load. */

export interface CoverageRule {
  condition: CoverageCondition;
  roles: HelperRole[];
  active: boolean;
}

/** Where an organization sits (its seat's region code), if it exists. */
export async function orgSeat(db: Executor, orgId: string): Promise<string | null> {
  const org = await db.selectFrom('temporary_orgs').select('region_code').where('id', '=', orgId).executeTakeFirst();
  return org?.region_code ?? null;
}

/** A helper assignment in force on that day. */
export const activeHelper = (today: string) =>
  sql<SqlBool>`(hp.start_on <= ${today} and (hp.end_on is null or hp.end_on > ${today}))`;

/**
 * Whether household `h` meets a condition on a day, decided in SQL from the register: being monitored from the dated
 * monitoring decisions; causes, housing and labour as the register records them now (it keeps no history of them).
 */
export function conditionHolds(condition: CoverageCondition, day: string): RawBuilder<SqlBool> {
  switch (condition) {
    case 'cause_illness':
    case 'cause_disability':
    case 'cause_schooling': {
      const cause = { cause_illness: 'illness', cause_disability: 'disability', cause_schooling: 'schooling' }[
        condition
      ];
      return sql<SqlBool>`(h.primary_cause = ${cause} or h.secondary_causes like ${`%"${cause}"%`})`;
    }
    case 'open_dispute':
      // A dispute raised on one of the household's visits by that day and not yet settled on the problem list then.
      return sql<SqlBool>`exists (select 1 from visits cv inner join reports cr on cr.id = cv.report_id
        where cv.household_id = h.id and cr.category = 'disputes' and cv.visited_on <= ${day} and (cr.status = 'new' or exists (
          select 1 from item_reports cir inner join items ci on ci.id = cir.item_id where cir.report_id = cr.id
          and (ci.closed_at is null or ci.closed_at >= ${endOfShanghaiDay(day)}))))`;
    case 'dangerous_house':
      return sql<SqlBool>`h.danger_rating is not null`;
    case 'no_labour':
      return sql<SqlBool>`not exists (select 1 from household_people cp where cp.household_id = h.id and cp.labour in ('normal', 'skilled'))`;
    case 'monitored':
      return householdStatusOn('monitored', day);
  }
}

/** The instant a Shanghai day ends, as the UTC timestamps the tables keep. */
const endOfShanghaiDay = (day: string) => new Date(Date.parse(`${day}T16:00:00.000Z`)).toISOString();

/** A household helped on that day: registered or monitored then (not exited, not yet registered). */
export const assistedOn = (day: string) =>
  sql<SqlBool>`(h.created_at < ${endOfShanghaiDay(day)} and (${householdStatusOn('registered', day)} or ${householdStatusOn('monitored', day)}))`;

/** Without a primary helper in force that day. */
export const noPrimaryHelperOn = (day: string) =>
  sql<SqlBool>`not exists (select 1 from helpers hp where hp.household_id = h.id and hp.is_primary = 1 and ${activeHelper(day)})`;

/** A household that meets the rule's condition that day but has no helper in force then in any of its roles. */
export function breaksRule(rule: Pick<CoverageRule, 'condition' | 'roles'>, day: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${conditionHolds(rule.condition, day)} and not exists (
    select 1 from helpers hp where hp.household_id = h.id and ${activeHelper(day)} and hp.role in (${sql.join(rule.roles)})))`;
}

/**
 * The one definition of a coverage gap (DOMAIN §5), as of a day, from dated helper assignments: a household helped
 * that day without a primary helper then, or breaking one of the county's active rules then. The register's gap
 * filter, the gaps view, the cockpit and the ledger's 帮扶责任人缺口 all use it.
 */
export function coverageGap(rules: CoverageRule[], day: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${assistedOn(day)} and ${gapOfAssisted(rules, day)})`;
}

/**
 * The gap of a household known to be helped that day (`countAssisted` reads only those): the gap's conditions without
 * `assistedOn` again, which costs the monitoring lookups a second time per household.
 */
export function gapOfAssisted(rules: CoverageRule[], day: string): RawBuilder<SqlBool> {
  const broken = rules.filter((r) => r.active && r.roles.length).map((r) => breaksRule(r, day));
  return sql<SqlBool>`(${sql.join([noPrimaryHelperOn(day), ...broken], sql` or `)})`;
}

/** A county's coverage rules, or the defaults until it sets its own. */
export async function coverageRules(db: Executor, county: string): Promise<CoverageRule[]> {
  const rows = await db
    .selectFrom('coverage_rules')
    .selectAll()
    .where('county_code', '=', county)
    .orderBy('position')
    .execute();
  if (!rows.length) return DEFAULT_COVERAGE_RULES.map((r) => ({ ...r, active: true }));
  return rows.map((r) => ({
    condition: r.condition as CoverageCondition,
    roles: JSON.parse(r.roles_json) as HelperRole[],
    active: r.active === 1,
  }));
}

/** The county's rules replaced by these, in this order (a role named twice kept once). */
export async function replaceCoverageRules(tx: Executor, county: string, rules: CoverageRule[], now: string) {
  await tx.deleteFrom('coverage_rules').where('county_code', '=', county).execute();
  for (const [position, r] of rules.entries()) {
    await tx
      .insertInto('coverage_rules')
      .values({
        id: newId(),
        county_code: county,
        position,
        condition: r.condition,
        roles_json: JSON.stringify([...new Set(r.roles)]),
        active: r.active ? 1 : 0,
        version: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
}

/** The actor's households helped on that day (under `regionCode` when given). */
function assistedInScope(db: Executor, actor: Actor, day: string, regionCode?: string) {
  let q = db.selectFrom('households as h').where(householdInScope(actor, 'h')).where(assistedOn(day));
  if (regionCode) q = q.where(underRegion('h.region_code', regionCode));
  return q;
}

/** How many of the actor's households helped on that day meet `predicate`. */
export async function countAssisted(
  db: Executor,
  actor: Actor,
  day: string,
  predicate: RawBuilder<SqlBool>,
  regionCode?: string,
): Promise<number> {
  const r = await assistedInScope(db, actor, day, regionCode)
    .where(predicate)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The first `limit` of them (by the head's initials), with their village. */
export const assistedHouseholds = (
  db: Executor,
  actor: Actor,
  day: string,
  predicate: RawBuilder<SqlBool>,
  regionCode: string | undefined,
  limit: number,
) =>
  assistedInScope(db, actor, day, regionCode)
    .innerJoin('regions as g', 'g.code', 'h.region_code')
    .where(predicate)
    .select(['h.id', 'h.head_name', 'g.name as region_name', 'h.status'])
    .orderBy('h.head_initials')
    .orderBy('h.id')
    .limit(limit)
    .execute();

/**
 * Each helper in force `today` of the actor's households (under `regionCode` when given): how many households, how
 * many as primary, how many still assisted, visits since `since` and the last visit; the busiest first.
 */
export async function helperLoads(
  db: Executor,
  actor: Actor,
  today: string,
  since: string,
  regionCode: string | undefined,
  limit: number,
  cursor: Cursor | null,
) {
  let q = db
    .selectFrom('helpers as hp')
    .innerJoin('households as h', 'h.id', 'hp.household_id')
    .innerJoin('members as p', 'p.id', 'hp.member_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .where(householdInScope(actor, 'h'))
    .where(activeHelper(today));
  if (regionCode) q = q.where(underRegion('h.region_code', regionCode));
  const loads = q
    .select(['p.id', 'p.name', 'u.name as unit_name'])
    .select([
      sql<number>`count(*)`.as('households'),
      sql<number>`sum(case when hp.is_primary = 1 then 1 else 0 end)`.as('primaries'),
      sql<number>`sum(case when h.status in ('registered', 'monitored') then 1 else 0 end)`.as('assisted'),
      sql<number>`(select count(*) from visit_helpers vh inner join visits v on v.id = vh.visit_id where vh.member_id = p.id and v.visited_on >= ${since})`.as(
        'visits',
      ),
      sql<
        string | null
      >`(select max(v.visited_on) from visit_helpers vh inner join visits v on v.id = vh.visit_id where vh.member_id = p.id)`.as(
        'last_visit',
      ),
    ])
    .groupBy(['p.id', 'p.name', 'u.name']);
  // The busiest first, then by id: one keyset over the grouped rows.
  const b = db.selectFrom(loads.as('w'));
  const [rows, total] = await Promise.all([
    (cursor ? b.where(afterCursor('w.households', 'w.id', cursor, 'desc')) : b)
      .selectAll('w')
      .orderBy('w.households', 'desc')
      .orderBy('w.id')
      .limit(limit + 1)
      .execute(),
    b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
