import { type Kysely, SqliteAdapter, sql } from 'kysely';

// Scale (issue 9): the cockpit and the item list at a past day take each item's status from its last transition by
// then (`statusOn`: the latest event by time, then by id) and count its reopenings. With events indexed by
// (item, time) only, each item's lookup read its events from the table and sorted them for the tie on id (a county
// cockpit: 391 ms of SQLite for its 20,000 items). Indexed with the id and the two statuses, both lookups are read
// from the index in order (176-202 ms). The old index is the new one's prefix and goes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('item_events_item_status').on('item_events').columns(['item_id', 'at', 'id', 'to_status', 'from_status']).execute();
  await db.schema.dropIndex('item_events_item').execute();
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    // Statistics from every row, as for the items' indexes (0018): sampled ones can mislead SQLite's planner.
    const limit = (await sql<{ analysis_limit: number }>`pragma analysis_limit`.execute(db)).rows[0]?.analysis_limit ?? 0;
    await sql`pragma analysis_limit = 0`.execute(db);
    await sql`analyze item_events`.execute(db);
    await sql.raw(`pragma analysis_limit = ${Number(limit)}`).execute(db);
  } else await sql`analyze item_events`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('item_events_item').on('item_events').columns(['item_id', 'at']).execute();
  await db.schema.dropIndex('item_events_item_status').execute();
}
