import type { RegionLevel } from '@lianjian/shared';
import type { Executor } from '../../db/index.ts';
import { contains, startsWith } from '../../lib/like.ts';
import { afterCursor, type Cursor } from '../../lib/paging.ts';
import { underRegion } from '../../lib/scope.ts';

/** All SQL of the region tree (county → township → village). */

const COLUMNS = ['code', 'name', 'level', 'kind', 'parent_code'] as const;

/**
 * A page of rows in code order after the cursor (the code is both the sort key and the tie-breaker: it is unique),
 * one more than asked so the caller knows whether another page follows, and the total under the same filters.
 */
async function codePage<Q extends ReturnType<typeof base>>(q: Q, limit: number, cursor: Cursor | null) {
  const [rows, total] = await Promise.all([
    (cursor ? q.where(afterCursor('code', 'code', cursor, 'asc')) : q)
      .select(COLUMNS)
      .orderBy('code')
      .limit(limit + 1)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => ({ ...r, id: r.code })), total: Number(total.n) };
}

const base = (db: Executor) => db.selectFrom('regions');

/** Regions below these areas (by index range) or among these ancestors (by code), filtered, a page in code order. */
export function regionsVisible(
  db: Executor,
  visible: { below: string[]; ancestors: string[] },
  f: { parentCode?: string | undefined; level?: RegionLevel | undefined; q?: string | undefined },
  limit: number,
  cursor: Cursor | null,
) {
  let q = base(db).where((eb) =>
    eb.or([...visible.below.map((area) => underRegion('code', area)), eb('code', 'in', ['', ...visible.ancestors])]),
  );
  if (f.parentCode) q = q.where('parent_code', '=', f.parentCode);
  if (f.level) q = q.where('level', '=', f.level);
  if (f.q) {
    const t = f.q;
    q = q.where((eb) => eb.or([contains('name', t), startsWith('name_initials', t.toLowerCase())]));
  }
  return codePage(q, limit, cursor);
}

/** The villages of a township, or (without a parent) every township: a page in code order. */
export function publicRegions(db: Executor, parentCode: string | undefined, limit: number, cursor: Cursor | null) {
  const q = base(db);
  return codePage(
    parentCode ? q.where('parent_code', '=', parentCode) : q.where('level', '=', 'township'),
    limit,
    cursor,
  );
}

/** A region with its parent's name (a village with its township), for notices and boards. */
export const villageOf = (db: Executor, code: string) =>
  db
    .selectFrom('regions as v')
    .leftJoin('regions as t', 't.code', 'v.parent_code')
    .select(['v.code', 'v.name', 'v.level', 't.name as township_name'])
    .where('v.code', '=', code)
    .executeTakeFirst();
