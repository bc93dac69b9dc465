import { PostgresAdapter, type RawBuilder, sql } from 'kysely';
import type { Executor } from './index.ts';

/**
 * A JSON array of objects built in SQL, one per row of `from` (SQLite's `json_group_array`, PostgreSQL's `json_agg`),
 * in `orderBy`: what a page carries of each row's children (an item's people and pauses, a member's skills), so that
 * the page is one statement.
 */
export function jsonList(
  db: Executor,
  fields: [string, RawBuilder<unknown>][],
  from: RawBuilder<unknown>,
  orderBy?: RawBuilder<unknown>,
) {
  const object = sql.join(fields.map(([k, v]) => sql`${sql.lit(k)}, ${v}`));
  const order = orderBy ? sql` order by ${orderBy}` : sql``;
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? sql<unknown>`(select coalesce(json_agg(json_build_object(${object})${order}), '[]'::json) ${from})`
    : sql<unknown>`(select json_group_array(json_object(${object})${order}) ${from})`;
}

/** A JSON array read back: SQLite hands it as text, PostgreSQL's driver parsed. */
export const parsed = <T>(v: unknown): T[] =>
  typeof v === 'string' ? (JSON.parse(v) as T[]) : ((v as T[] | null) ?? []);
