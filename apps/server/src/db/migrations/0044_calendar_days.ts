import type { Kysely } from 'kysely';

// The official calendar of working days as a table, so that SQL can count an item's clock (DOMAIN §9a) where it
// filters and counts: the cockpit, its drill-downs, the lists' overdue counts, the ledger's on-time share. Each day the
// calendar knows, whether it is a working day and how many working days there are from the calendar's first day up to
// it (the working days after day a up to day b are ordinal(b) − ordinal(a)). The rows are written from the server's
// calendar data after every migration (`syncCalendar`), so a newer edition of the data replaces them; a day missing
// from the table is a day the calendar does not know, and SQL then decides nothing about it (as the code refuses).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('calendar_days')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('working', 'integer', (c) => c.notNull())
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .execute();
  // The day a count of working days runs out on: the working day of an ordinal, found by the index, not by a scan.
  await db.schema
    .createIndex('calendar_days_ordinal')
    .on('calendar_days')
    .columns(['ordinal', 'working', 'day'])
    .execute();
  await db.schema
    .createTable('calendar_edition')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('edition', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('calendar_edition').execute();
  await db.schema.dropTable('calendar_days').execute();
}
