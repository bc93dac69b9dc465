import { type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { contains, startsWith } from '../../lib/like.ts';
import { type Cursor, afterCursor } from '../../lib/paging.ts';
import { confinedTo, householdInScope, householdServed, reachOf, underRegion } from '../../lib/scope.ts';
import {
  type CoverageRule,
  activeHelper,
  assistedOn,
  breaksRule,
  coverageGap,
  noPrimaryHelperOn,
} from './coverage.repository.ts';
import { householdStatusOn } from './households.repository.ts';
import type { RegisterSort, SealedRegisterFilter } from './households.schemas.ts';

/**
 * The SQL that reads the register: the scoped, filtered list (the register page, one household's detail, the
 * export's pages). Kept apart from households.repository.ts, which the coverage predicates build on.
 */

/** A register filter as the queries take it: an ID number only by its blind index; `id` for one household. */
export type RegisterFilter = SealedRegisterFilter & { id?: string };

/** The actor's households that pass the filter; gaps and helpers as of `today` unless the filter asks a day. */
export function filteredHouseholds(
  db: Executor,
  actor: Actor,
  q: RegisterFilter,
  today: string,
  rules: CoverageRule[] = [],
) {
  let b = db.selectFrom('households as h').where(householdInScope(actor, 'h'));
  if (q.id) b = b.where('h.id', '=', q.id);
  if (q.regionCode) b = b.where(underRegion('h.region_code', q.regionCode));
  b = b.where(confinedTo(reachOf(actor), 'h.region_code', q.regionCode));
  if (q.asOf) b = b.where('h.created_at', '<', `${q.asOf}T16:00:00.000Z`);
  if (q.status && q.asOf) b = b.where(householdStatusOn(q.status, q.asOf));
  else if (q.status) b = b.where('h.status', '=', q.status);
  if (q.cause) {
    const cause = q.cause;
    b = b.where((eb) => eb.or([eb('h.primary_cause', '=', cause), eb('h.secondary_causes', 'like', `%"${cause}"%`)]));
  }
  const text = q.q;
  if (text)
    b = b.where((eb) =>
      eb.or([
        contains('h.head_name', text),
        startsWith('h.head_initials', text.toLowerCase()),
        // Full pinyin as people type it: without spaces or tones (`bai bing gang` finds `baibinggang` too).
        startsWith('h.head_pinyin', text.toLowerCase().replace(/[\s']/g, '')),
      ]),
    );
  if (q.helperId) {
    b = b.where(
      sql<SqlBool>`exists (select 1 from helpers hp where hp.household_id = h.id and hp.member_id = ${q.helperId} and ${activeHelper(today)})`,
    );
  }
  // Gaps as of the day asked (today by default), from the dated helper assignments: the cockpit's and the ledger's.
  const gapDay = q.asOf ?? today;
  if (q.gap === 'no_primary_helper') b = b.where(assistedOn(gapDay)).where(noPrimaryHelperOn(gapDay));
  if (q.gap === 'coverage') b = b.where(coverageGap(rules, gapDay));
  else if (q.gap && q.gap !== 'no_primary_helper') {
    // One rule's gap, as the gaps view counts it: a rule that is off or names no role has none.
    const rule = rules.find((r) => r.condition === q.gap && r.active && r.roles.length);
    b = rule ? b.where(assistedOn(gapDay)).where(breaksRule(rule, gapDay)) : b.where(sql<SqlBool>`1 = 0`);
  }
  if (q.monitoringCategory) {
    b = b.where(
      sql<SqlBool>`exists (select 1 from monitoring_cases mc where mc.household_id = h.id and mc.category = ${q.monitoringCategory} and mc.status not in ('dropped', 'eliminated'))`,
    );
  }
  // One index, or (since keys have versions) the number's index under every index key of the ring.
  const idIndexes = typeof q.idNumberIndex === 'string' ? [q.idNumberIndex] : (q.idNumberIndex ?? []);
  if (idIndexes.length) {
    b = b.where(
      sql<SqlBool>`exists (select 1 from household_people pp where pp.household_id = h.id and pp.id_number_index in (${sql.join(idIndexes)}))`,
    );
  }
  return b;
}

/** How many households pass the filter. */
export async function countHouseholds(
  db: Executor,
  actor: Actor,
  q: RegisterFilter,
  today: string,
  rules: CoverageRule[],
): Promise<number> {
  const r = await filteredHouseholds(db, actor, q, today, rules)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** How many helpers are in force `today` for the household `h`. */
const helperCount = (today: string) =>
  sql<number>`(select count(*) from helpers hp where hp.household_id = h.id and ${activeHelper(today)})`;

/**
 * The register's sort keys, each a column or expression the cursor carries: the head's full pinyin, the village's
 * region code (which orders townships, then their villages, as the county numbers them and alike on both databases),
 * the status, or the helpers in force. The household's id follows each, so that the keyset stays total.
 */
export function registerSortKey(sort: RegisterSort, today: string) {
  if (sort === 'village') return sql.ref('h.region_code');
  if (sort === 'status') return sql.ref('h.status');
  if (sort === 'helpers') return helperCount(today);
  return sql.ref('h.head_pinyin');
}

/** A register row's value of its sort key, as the next page's cursor carries it. */
export function registerSortValue(
  r: { head_pinyin: string; region_code: string; status: string; helpers: number | string },
  sort: RegisterSort,
): string | number {
  if (sort === 'village') return r.region_code;
  if (sort === 'status') return r.status;
  if (sort === 'helpers') return Number(r.helpers);
  return r.head_pinyin;
}

/**
 * Up to `limit` households after the cursor, in the order asked, with the village and its township, the household's
 * size and its helpers in force `today` (all of them, and the primary ones).
 */
export function householdPage(
  db: Executor,
  actor: Actor,
  q: RegisterFilter,
  today: string,
  rules: CoverageRule[],
  cursor: Cursor | null,
  limit: number,
  order: { sort: RegisterSort; dir: 'asc' | 'desc' } = { sort: 'name', dir: 'asc' },
  skip = 0,
) {
  // The page's households first (filter, order and keyset on the households alone), then their villages, sizes and
  // helpers: the counts run for the page's twenty, not for every household in scope.
  const key = registerSortKey(order.sort, today);
  let ids = filteredHouseholds(db, actor, q, today, rules).select(['h.id', key.as('k')]);
  if (cursor) ids = ids.where(afterCursor(key, 'h.id', cursor, order.dir));
  const ordered = ids.orderBy(key, order.dir).orderBy('h.id').limit(limit);
  return db
    .with('page', () => (skip > 0 ? ordered.offset(skip) : ordered))
    .selectFrom('page as pg')
    .innerJoin('households as h', 'h.id', 'pg.id')
    .innerJoin('regions as g', 'g.code', 'h.region_code')
    .leftJoin('regions as t', 't.code', 'g.parent_code')
    .selectAll('h')
    .select([
      'g.name as region_name',
      't.code as township_code',
      't.name as township_name',
      sql<number>`(select count(*) from household_people pp where pp.household_id = h.id)`.as('size'),
      helperCount(today).as('helpers'),
      sql<number>`(select count(*) from helpers hp where hp.household_id = h.id and hp.is_primary = 1 and ${activeHelper(today)})`.as(
        'primaries',
      ),
    ])
    .orderBy('pg.k', order.dir)
    .orderBy('pg.id')
    .execute();
}

/**
 * One household of the actor's, whole, with whether the actor may change it (the detail's abilities; writes check
 * it again in their transaction).
 */
export const householdRow = (db: Executor, actor: Actor, id: string, today: string) =>
  filteredHouseholds(db, actor, { id }, today)
    .selectAll('h')
    .select(sql<number>`case when ${householdServed(actor, today, 'h')} then 1 else 0 end`.as('served'))
    .executeTakeFirst();

/** A household's people, the head first, then by age. */
export const peopleOf = (db: Executor, householdId: string) =>
  db
    .selectFrom('household_people')
    .selectAll()
    .where('household_id', '=', householdId)
    .orderBy(sql`case when relationship = '户主' then 0 else 1 end`)
    .orderBy('birth_year')
    .orderBy('id')
    .execute();

/** These households' size, helpers in force `today` and the name of their primary helper. */
export const exportFigures = (db: Executor, ids: string[], today: string) =>
  db
    .selectFrom('households as h')
    .where('h.id', 'in', ids)
    .select([
      'h.id',
      sql<number>`(select count(*) from household_people pp where pp.household_id = h.id)`.as('size'),
      sql<number>`(select count(*) from helpers hp where hp.household_id = h.id and ${activeHelper(today)})`.as(
        'helpers',
      ),
      sql<
        string | null
      >`(select max(p.name) from helpers hp inner join members p on p.id = hp.member_id where hp.household_id = h.id and hp.is_primary = 1 and ${activeHelper(today)})`.as(
        'primary_name',
      ),
    ])
    .execute();

/** These households' people as the export shows them (the sensitive columns still encrypted), by household. */
export const exportPeople = (db: Executor, householdIds: string[]) =>
  db
    .selectFrom('household_people')
    .select([
      'household_id',
      'name',
      'relationship',
      'gender',
      'birth_year',
      'id_number_enc',
      'phone_enc',
      'labour',
      'in_school',
    ])
    .where('household_id', 'in', householdIds)
    .orderBy('household_id')
    .orderBy(sql`case when relationship = '户主' then 0 else 1 end`)
    .orderBy('birth_year')
    .execute();
