import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * Planner statistics for a table's new indexes, after a migration creates them. On SQLite from every row:
 * its sampled statistics (`analysis_limit`) can mislead the planner at scale (0018: a status put at a thousand items
 * planned a province's item list from every item of the status).
 */
export async function analyzeAllRows(db: Kysely<unknown>, table: string): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    const limit =
      (await sql<{ analysis_limit: number }>`pragma analysis_limit`.execute(db)).rows[0]?.analysis_limit ?? 0;
    await sql`pragma analysis_limit = 0`.execute(db);
    await sql`analyze ${sql.table(table)}`.execute(db);
    await sql.raw(`pragma analysis_limit = ${Number(limit)}`).execute(db);
  } else await sql`analyze ${sql.table(table)}`.execute(db);
}
