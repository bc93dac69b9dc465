import { type Kysely, sql } from 'kysely';

// Data keys with versions (issue 26 §2). Version 1 of each purpose and profile is derived from the master key and has
// a row only once its state matters (active again after a change of profile); later versions are random keys kept
// here wrapped by the master key. `key_jobs` is the resumable job that rewrites fields and blind indexes under new
// keys: its phase and its progress are written in the transaction of each batch, so a killed job goes on where the
// last batch committed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('data_keys')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('wrapped', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('data_keys_pk', ['purpose', 'profile', 'version'])
    .execute();
  await db.schema
    .createTable('key_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target_json', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('progress_json', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  // At most one job not done: two commands started at once cannot both run one.
  await db.schema
    .createIndex('key_jobs_one_open')
    .unique()
    .on('key_jobs')
    .column('phase')
    .where(sql.ref('phase'), '<>', 'done')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('key_jobs').execute();
  await db.schema.dropTable('data_keys').execute();
}
