import { type Kysely, sql } from 'kysely';

// Interrupted imports (issue 21): an import left `running` by a server that stopped stayed so until a restart at
// least ten minutes later, and meanwhile answered a re-upload of the same file with itself. The server running an
// import now writes its heartbeat every few seconds, and any server marks a running import whose heartbeat is older
// than a threshold as failed, with why it failed (`failure`: the file was refused, or the job was interrupted) so
// that the page can say whether to correct the file or simply upload it again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('household_imports')
    .addColumn('heartbeat_at', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('household_imports').addColumn('failure', 'text').execute();
  await sql`update household_imports set heartbeat_at = updated_at`.execute(db);
  // The earlier messages of an interrupted job both said 中断; every other failure refused the file.
  await sql`update household_imports set failure = case when message like '%中断%' then 'interrupted' else 'refused' end
    where status = 'failed'`.execute(db);
  // The sweep looks for running imports by their heartbeat, on every server every few seconds.
  await db.schema
    .createIndex('household_imports_running')
    .on('household_imports')
    .columns(['status', 'heartbeat_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('household_imports_running').execute();
  await db.schema.alterTable('household_imports').dropColumn('failure').execute();
  await db.schema.alterTable('household_imports').dropColumn('heartbeat_at').execute();
}
