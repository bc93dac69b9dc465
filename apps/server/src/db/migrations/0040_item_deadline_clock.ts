import { type Kysely, sql } from 'kysely';

// The item's clock in working days (DOMAIN §9a). A pause stops it while the item waits on the resident or on another
// unit, with the reason; an item has at most one pause running. A chase (催办) is the dated notice sent when an item
// has used half, all and one and a half of a target: one per item, target (response or resolution) and step,
// whichever sweep gets there first (the primary key makes a second sweep's insert a no-op), acknowledged by its
// receiver.
//
// An item's clock counts from the day it entered its list (items.listed_on): the list's date for the items made with
// the list, the day it was added for an item added later. Items already there get the list's date when they were made
// the day the list was, else the day they were added (Asia/Shanghai).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('items')
    .addColumn('listed_on', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  const rows = (
    await sql<{ id: string; created_at: string; list_created_at: string; list_listed_on: string }>`
      select i.id, i.created_at, l.created_at as list_created_at, l.listed_on as list_listed_on
      from items i join problem_lists l on l.id = i.list_id`.execute(db)
  ).rows;
  const shanghaiDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
  for (const r of rows) {
    const added = shanghaiDay(r.created_at);
    const on = added === shanghaiDay(r.list_created_at) ? r.list_listed_on : added;
    await sql`update items set listed_on = ${on} where id = ${r.id}`.execute(db);
  }

  await db.schema
    .createTable('item_pauses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('started_on', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('ended_on', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('ended_by', 'text')
    .execute();
  await db.schema.createIndex('item_pauses_item').on('item_pauses').columns(['item_id', 'started_at']).execute();
  await sql`create unique index item_pauses_one_running on item_pauses (item_id) where ended_at is null`.execute(db);

  await db.schema
    .createTable('item_chases')
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('used_days', 'integer', (c) => c.notNull())
    .addColumn('target_days', 'integer', (c) => c.notNull())
    .addColumn('receiver_kind', 'text', (c) => c.notNull())
    .addColumn('receiver_member_id', 'text')
    .addColumn('receiver_party_org_id', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('on_day', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addPrimaryKeyConstraint('item_chases_pk', ['item_id', 'target', 'step'])
    .execute();
  await db.schema
    .createIndex('item_chases_member')
    .on('item_chases')
    .columns(['receiver_member_id', 'acknowledged_at'])
    .execute();
  await db.schema
    .createIndex('item_chases_party_org')
    .on('item_chases')
    .columns(['receiver_party_org_id', 'acknowledged_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('item_chases').execute();
  await db.schema.dropTable('item_pauses').execute();
  await db.schema.alterTable('items').dropColumn('listed_on').execute();
}
