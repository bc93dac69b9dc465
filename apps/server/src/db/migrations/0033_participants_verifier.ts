import type { Kysely } from 'kysely';

// People the work needs who are not Party members (DOMAIN §4: they assist, they are never linked into a Party
// organization): the two electricians of item 3. And the exit's verifier named, as the procedure requires it (村“两委”
// and the village work team, 驻村工作队 / 第一书记), as a unit or a person of the county.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('item_participants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    // A person of the register who is not a Party member, or else a name and a unit as the branch knows them.
    .addColumn('member_id', 'text', (c) => c.references('members.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('unit_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('start_on', 'text', (c) => c.notNull())
    .addColumn('end_on', 'text')
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('item_participants_item')
    .on('item_participants')
    .columns(['item_id', 'start_on'])
    .execute();
  await db.schema.alterTable('exit_applications').addColumn('verified_by_unit_id', 'text').execute();
  await db.schema.alterTable('exit_applications').addColumn('verified_by_member_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('exit_applications').dropColumn('verified_by_member_id').execute();
  await db.schema.alterTable('exit_applications').dropColumn('verified_by_unit_id').execute();
  await db.schema.dropTable('item_participants').execute();
}
