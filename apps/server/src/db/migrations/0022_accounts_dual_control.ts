import { type Kysely, sql } from 'kysely';

// Dual control of privileged accounts (GB/T 22239 level 3 三权分立): what the security administrator files about an
// administrator account — opening one, raising or moving one, new credentials for one — waits here until a second
// person decides it. Only the approval writes to `users`.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // create | change | reset_password | reset_totp
    .addColumn('kind', 'text', (c) => c.notNull())
    // pending | approved | rejected | cancelled
    .addColumn('status', 'text', (c) => c.notNull())
    // The account concerned; null until a requested account is created.
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    // The account's version when the request was filed: an account changed since is not changed by an old request.
    .addColumn('user_version', 'integer')
    // The username a request to open an account asks for; null for the other kinds.
    .addColumn('username', 'text')
    // The region the request concerns (the account's scope after the change): who may see and decide it.
    .addColumn('region_code', 'text', (c) => c.notNull())
    // The account asked for, or the changes: JSON.
    .addColumn('payload_json', 'text', (c) => c.notNull())
    // The requester's half of a one-time password, encrypted with the data key, kept only until the decision.
    .addColumn('password_part_enc', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('decided_at', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('account_requests_status')
    .on('account_requests')
    .columns(['status', 'region_code'])
    .execute();
  await db.schema.createIndex('account_requests_user').on('account_requests').columns(['user_id']).execute();
  // One pending request per account, and one pending request to open an account per username: two filed at the same
  // moment both pass a check made before the insert, so the database decides (the loser answers 409). A request to
  // open an account has no account yet (user_id null, never equal to another null).
  await sql`create unique index account_requests_one_pending on account_requests (user_id) where status = 'pending'`.execute(
    db,
  );
  await sql`create unique index account_requests_one_pending_create on account_requests (username) where status = 'pending' and kind = 'create'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('account_requests').execute();
}
