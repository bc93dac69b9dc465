import { type Kysely, sql } from 'kysely';

// A public notice counts from the day it appeared on the village board (DOMAIN §9a): kept beside the day the notice
// started, which a step recorded late may put earlier. Notices recorded before this are taken as published the day
// they started, as the procedure then assumed.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['exit_applications', 'monitoring_cases']) {
    await db.schema.alterTable(table).addColumn('notice_published_on', 'text').execute();
    await sql`update ${sql.table(table)} set notice_published_on = notice_start_on`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['exit_applications', 'monitoring_cases'])
    await db.schema.alterTable(table).dropColumn('notice_published_on').execute();
}
