import type { Kysely } from 'kysely';

// Identity (GB/T 22239 level 3): password age and first-login change, the TOTP second factor with recovery
// codes, a CSRF token per session, and personal-data exports fetched through an owner-checked link that expires.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('password_changed_at', 'text').execute();
  // The TOTP secret, encrypted with the data key; enabled once the user proved a first code.
  await db.schema.alterTable('users').addColumn('totp_secret_enc', 'text').execute();
  await db.schema
    .alterTable('users')
    .addColumn('totp_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // The last time step accepted: a code is good once.
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('recovery_codes_user').on('recovery_codes').columns(['user_id']).execute();
  await db.schema.alterTable('sessions').addColumn('csrf_hash', 'text').execute();
  await db.schema
    .createTable('export_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('params_json', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('export_grants_user').on('export_grants').columns(['user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('export_grants').execute();
  await db.schema.alterTable('sessions').dropColumn('csrf_hash').execute();
  await db.schema.dropTable('recovery_codes').execute();
  for (const c of [
    'totp_last_step',
    'totp_enabled',
    'totp_secret_enc',
    'password_changed_at',
    'must_change_password',
  ]) {
    await db.schema.alterTable('users').dropColumn(c).execute();
  }
}
