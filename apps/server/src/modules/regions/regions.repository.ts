import type { RegionLevel } from '@lianjian/shared';
import type { Executor } from '../../db/index.ts';
import { contains, startsWith } from '../../lib/like.ts';
import { underRegion } from '../../lib/scope.ts';

/** All SQL of the region tree (county → township → village). */

const COLUMNS = ['code', 'name', 'level', 'kind', 'parent_code'] as const;

/** Regions below these areas (by index range) or among these ancestors (by code), filtered, in code order. */
export function regionsVisible(
  db: Executor,
  visible: { below: string[]; ancestors: string[] },
  f: { parentCode?: string | undefined; level?: RegionLevel | undefined; q?: string | undefined },
  limit: number,
) {
  let q = db
    .selectFrom('regions')
    .select(COLUMNS)
    .where((eb) =>
      eb.or([...visible.below.map((area) => underRegion('code', area)), eb('code', 'in', ['', ...visible.ancestors])]),
    );
  if (f.parentCode) q = q.where('parent_code', '=', f.parentCode);
  if (f.level) q = q.where('level', '=', f.level);
  if (f.q) {
    const t = f.q;
    q = q.where((eb) => eb.or([contains('name', t), startsWith('name_initials', t.toLowerCase())]));
  }
  return q.orderBy('code').limit(limit).execute();
}

/** The villages of a township, or (without a parent) every township. */
export function publicRegions(db: Executor, parentCode: string | undefined, limit: number) {
  const q = db.selectFrom('regions').select(COLUMNS);
  return (parentCode ? q.where('parent_code', '=', parentCode) : q.where('level', '=', 'township'))
    .orderBy('code')
    .limit(limit)
    .execute();
}

/** A region with its parent's name (a village with its township), for notices and boards. */
export const villageOf = (db: Executor, code: string) =>
  db
    .selectFrom('regions as v')
    .leftJoin('regions as t', 't.code', 'v.parent_code')
    .select(['v.code', 'v.name', 'v.level', 't.name as township_name'])
    .where('v.code', '=', code)
    .executeTakeFirst();
