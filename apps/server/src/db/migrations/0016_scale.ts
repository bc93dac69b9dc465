import { type Kysely, sql } from 'kysely';

// Scale (issue 9): escalations are few among millions of items. A partial index holds only those, so that the
// database reaches the items escalated to the organizations in a scope by index instead of reading every item.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('items_escalated').execute();
  await sql`create index items_escalated on items (escalated_to_org_id) where escalated_to_org_id is not null`.execute(
    db,
  );
  // Which branches cover a village: looked up by the village at every resident's report.
  await db.schema.createIndex('org_regions_region').on('org_regions').column('region_code').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('org_regions_region').execute();
  await db.schema.dropIndex('items_escalated').execute();
  await db.schema.createIndex('items_escalated').on('items').column('escalated_to_org_id').execute();
}
