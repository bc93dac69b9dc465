import { type Kysely, sql } from 'kysely';

// An account runs one register import at a time: each import that meets people registered outside the importer's
// scope answers one question about the county's register, and the account's daily limit on such attempts is
// counted when an import ends; several at once would each pass the limit's check at upload.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Before this, an account could run several imports, and an upgrade stops the servers running them: all but the
  // newest running import of an account are marked interrupted first (nothing of them was written), or the index
  // could not be made and the server would not start. The newest is left to the heartbeat sweep.
  await sql`update household_imports set status = 'failed', failure = 'interrupted', phase = 'done',
    message = '导入因系统升级而停止，未写入任何数据。请重新上传同一文件', finished_at = updated_at
    where status = 'running' and exists (select 1 from household_imports n where n.created_by = household_imports.created_by
      and n.status = 'running' and (n.created_at > household_imports.created_at or (n.created_at = household_imports.created_at and n.id > household_imports.id)))`.execute(
    db,
  );
  await sql`create unique index household_imports_one_running on household_imports (created_by) where status = 'running'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('household_imports_one_running').execute();
}
