import { type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { Problem } from './problem.ts';

export interface Cursor {
  v: string | number;
  id: string;
}

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

/** 400 for a cursor this server did not issue (or not for this list). */
export const invalidCursor = () =>
  new Problem(400, 'invalid_cursor', '分页游标无效', [{ path: 'querystring.cursor', message: 'invalid' }]);

export function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if ((typeof c.v === 'string' || typeof c.v === 'number') && typeof c.id === 'string') return c;
  } catch {
    // fall through to the 400 below
  }
  throw invalidCursor();
}

/** Keyset condition "after this cursor" for a sort column with the id as tie-breaker. */
export function afterCursor(
  sort: string | RawBuilder<unknown>,
  idCol: string,
  c: Cursor,
  dir: 'asc' | 'desc',
): RawBuilder<SqlBool> {
  const op = sql.raw(dir === 'asc' ? '>' : '<');
  const s = typeof sort === 'string' ? sql.ref(sort) : sort;
  return sql<SqlBool>`(${s} ${op} ${c.v} or (${s} = ${c.v} and ${sql.ref(idCol)} > ${c.id}))`;
}

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(20),
  cursor: z.string().max(500).optional(),
};

export function pageOf<T extends { id: string }>(
  rows: T[],
  limit: number,
  total: number,
  sortValue: (row: T) => string | number,
): { items: T[]; nextCursor: string | null; total: number } {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: hasMore && last ? encodeCursor({ v: sortValue(last), id: last.id }) : null,
    total,
  };
}

/**
 * One page of a scoped list: the rows after the cursor in (sort, id) order, presented, with the total counted under
 * the same filters. `sort` and `id` name the query's columns (`e.applied_on`, `e.id`).
 */
export async function keysetPage<DB, TB extends keyof DB, Row, Item extends { id: string }>(
  q: SelectQueryBuilder<DB, TB, Row>,
  o: { sort: string; id: string; dir: 'asc' | 'desc'; limit?: number | undefined; cursor?: string | undefined },
  present: (rows: Row[]) => Promise<Item[]>,
  sortValue: (item: Item) => string | number,
): Promise<{ items: Item[]; nextCursor: string | null; total: number }> {
  const limit = o.limit ?? 20;
  const after = decodeCursor(o.cursor);
  const [rows, total] = await Promise.all([
    (after ? q.where(afterCursor(o.sort, o.id, after, o.dir)) : q)
      .orderBy(sql.ref(o.sort), o.dir)
      .orderBy(sql.ref(o.id))
      .limit(limit + 1)
      .execute(),
    q.clearSelect().select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return pageOf(await present(rows as Row[]), limit, Number((total as { n: number }).n), sortValue);
}
