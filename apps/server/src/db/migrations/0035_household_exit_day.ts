import { type Kysely, sql } from 'kysely';

// The day a household left the register (DOMAIN §6: the county announces the exit after the public notice), not only
// its year: a household that exits in October was still poor in June, and the cockpit and the ledgers read the
// register as of a day. Households whose exit came through an application take the day it was announced; those
// imported with an exit year alone keep the year, and are read as exited from its first day, as before.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('households').addColumn('exited_on', 'text').execute();
  await sql`update households set exited_on = (select max(a.announced_on) from exit_applications a
    where a.household_id = households.id and a.status = 'announced')
    where status <> 'registered' and exit_year is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('households').dropColumn('exited_on').execute();
}
