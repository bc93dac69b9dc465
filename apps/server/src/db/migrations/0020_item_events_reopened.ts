import { type Kysely, sql } from 'kysely';
import { analyzeAllRows } from './analyze.ts';

// Scale (issue 9): the cockpit counts each item's reopenings (its transitions out of `closed`). Read through the
// covering index of all events (0019), a county's 20,000 lookups at province scale land on pages spread over the
// province's whole index (ids are random), which a machine cannot keep in memory. Reopenings are 1.5% of the events
// (a county's 1,152 of 75,911): indexed apart, they stay small enough to stay cached.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index item_events_reopened on item_events (item_id, at) where from_status = 'closed'`.execute(db);
  await analyzeAllRows(db, 'item_events');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('item_events_reopened').execute();
}
