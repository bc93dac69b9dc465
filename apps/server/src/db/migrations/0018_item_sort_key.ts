import { type Kysely, sql } from 'kysely';
import { analyzeAllRows } from './analyze.ts';

// Scale (issue 9): an item list is read in ledger order (newest list first, then item numbers), which used to be
// computed per row from the item's list, so a page meant reading and sorting every item in scope with its list.
// The key is now stored with the item (`itemSortKey`; lists never change their date or number) and indexed after
// the organization and status, so that the items of a scope come out of the index with their keys, no table read.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('items')
    .addColumn('sort_key', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`update items set sort_key = (select l.listed_on || '|' || (100000 + l.no) || '|' || (999999 - items.no)
    from problem_lists l where l.id = items.list_id)`.execute(db);
  await db.schema.dropIndex('items_org_status').execute();
  await db.schema
    .createIndex('items_org_status_sort')
    .on('items')
    .columns(['org_id', 'status', 'sort_key', 'id'])
    .execute();
  // The same for the items escalated to the organizations of a scope (few: a partial index). With the status as a
  // bound parameter SQLite otherwise reads every item of that status to find the escalated ones.
  await db.schema.dropIndex('items_escalated').execute();
  await sql`create index items_escalated on items (escalated_to_org_id, status, sort_key, id) where escalated_to_org_id is not null`.execute(
    db,
  );
  // Planner statistics for the new indexes, from every row (SQLite's sampled statistics, `analysis_limit`, put a
  // status at a thousand items): an existing database would otherwise plan the item list from the items of the
  // status, which on a province's SQLite file took over 10 s a page instead of 1 ms. 1.5 s for 2 million items.
  await analyzeAllRows(db, 'items');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('items_escalated').execute();
  await sql`create index items_escalated on items (escalated_to_org_id) where escalated_to_org_id is not null`.execute(
    db,
  );
  await db.schema.dropIndex('items_org_status_sort').execute();
  await db.schema.createIndex('items_org_status').on('items').columns(['org_id', 'status']).execute();
  await db.schema.alterTable('items').dropColumn('sort_key').execute();
}
