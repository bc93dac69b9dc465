import type { Executor } from '../db/index.ts';
import type { CryptoProfile, DataCipher } from './crypto.ts';

/**
 * The database's record of its data key: a known value encrypted with the key, the key's id and the cryptographic
 * profile its fields and indexes are written under, in `meta`. Written at
 * the first start with a key; every later start (and every command that reads with the key) checks it, so that a
 * database is never served with a key that cannot read it.
 */
const CHECK_ROW = 'data_key_check';
const KNOWN = 'lianjian data key check v1';

/**
 * Every column holding ciphertext of the data key (`*_enc`). A database from before the check is given one only
 * when a value of each decrypts with the key. `data-key.test.ts` compares this list with the migrated schema.
 */
export const ENCRYPTED_COLUMNS = [
  ['household_people', 'id_number_enc'],
  ['household_people', 'phone_enc'],
  ['household_people', 'health_enc'],
  ['users', 'totp_secret_enc'],
  ['reports', 'phone_enc'],
  ['account_requests', 'password_part_enc'],
  ['notices', 'to_enc'],
  ['notices', 'secret_params_enc'],
  ['wecom_robots', 'url_enc'],
  ['sms_replies', 'content_enc'],
] as const;

export { DataKeyError } from './crypto.ts';

/** Whether a data key has been recorded for this database. */
export async function keyRegistered(db: Executor): Promise<boolean> {
  return !!(await db.selectFrom('meta').select('key').where('key', '=', CHECK_ROW).executeTakeFirst());
}

/** `absent` when no key has been recorded; otherwise whether `cipher` is the recorded key (and the recorded key's id). */
export async function checkRecordedKey(
  db: Executor,
  cipher: DataCipher,
): Promise<{ state: 'absent' } | { state: 'match' | 'mismatch'; keyId: string; profile: CryptoProfile }> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', CHECK_ROW).executeTakeFirst();
  if (!row) return { state: 'absent' };
  let recorded: { keyId?: unknown; check?: unknown; profile?: unknown };
  try {
    recorded = JSON.parse(row.value) as typeof recorded;
  } catch {
    recorded = {};
  }
  const keyId = typeof recorded.keyId === 'string' ? recorded.keyId : '?';
  return {
    state: typeof recorded.check === 'string' && decrypts(cipher, recorded.check, KNOWN) ? 'match' : 'mismatch',
    keyId,
    // A database recorded before the profiles were named was written under the standard one.
    profile: recorded.profile === 'gm' ? 'gm' : 'standard',
  };
}

/** Records `cipher` as this database's key; false when another process recorded one first. */
export async function recordKey(db: Executor, cipher: DataCipher): Promise<boolean> {
  const value = JSON.stringify({ keyId: cipher.keyId, check: cipher.encrypt(KNOWN), profile: cipher.profile });
  const r = await db
    .insertInto('meta')
    .values({ key: CHECK_ROW, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** The first encrypted column (`table.column`) whose stored value `cipher` cannot decrypt, or null. */
export async function unreadableColumn(db: Executor, cipher: DataCipher): Promise<string | null> {
  for (const [table, column] of ENCRYPTED_COLUMNS) {
    let row: unknown;
    try {
      row = await db.selectFrom(table).select(column).where(column, 'is not', null).limit(1).executeTakeFirst();
    } catch {
      // A backup restored from before the column existed holds nothing in it (`lianjian restore` checks the key
      // before any migration runs). Outside a transaction, so a failed statement spoils nothing after it.
      continue;
    }
    const stored = (row as Record<string, string | null> | undefined)?.[column];
    if (stored && !decrypts(cipher, stored)) return `${table}.${column}`;
  }
  return null;
}

function decrypts(cipher: DataCipher, stored: string, expected?: string): boolean {
  try {
    const plain = cipher.decrypt(stored);
    return expected === undefined || plain === expected;
  } catch {
    return false;
  }
}

/** The database's stored data keys (`data_keys`), in the order they were made. */
export const storedKeys = (db: Executor) =>
  db.selectFrom('data_keys').selectAll().orderBy('purpose').orderBy('version').execute();

/**
 * Brings `cipher`'s key ring up to the database: the profile the database records, then its stored keys (new versions
 * unwrapped by the master key, the active one of each purpose). The server calls it at start and every few seconds
 * (`LIANJIAN_KEY_REFRESH_MS`), so that it follows a rotation or a change of profile made by a command while it runs.
 */
export async function loadKeyRing(db: Executor, cipher: DataCipher): Promise<void> {
  const rows = await storedKeys(db);
  // Every purpose starts at the database's profile (a rotation of some purposes leaves the others at version 1 of
  // it), then takes its stored active key, if it has one.
  const recorded = await recordedProfile(db);
  if (recorded) cipher.startUnder(recorded);
  cipher.install(rows);
}

/** The profile the database's key record names, or null before a key was recorded. */
export async function recordedProfile(db: Executor): Promise<CryptoProfile | null> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', CHECK_ROW).executeTakeFirst();
  if (!row) return null;
  try {
    return (JSON.parse(row.value) as { profile?: unknown }).profile === 'gm' ? 'gm' : 'standard';
  } catch {
    return 'standard';
  }
}

/** Records the profile a change of profile made active, in the key's record (what a start is checked against). */
export async function recordProfile(db: Executor, profile: CryptoProfile): Promise<void> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', CHECK_ROW).executeTakeFirstOrThrow();
  const value = { ...(JSON.parse(row.value) as Record<string, unknown>), profile };
  await db
    .updateTable('meta')
    .set({ value: JSON.stringify(value) })
    .where('key', '=', CHECK_ROW)
    .execute();
}

/** The key job (ops/key-jobs.ts) not yet done, if any: there is at most one. */
export const unfinishedJob = (db: Executor) =>
  db.selectFrom('key_jobs').selectAll().where('phase', '!=', 'done').orderBy('started_at').executeTakeFirst();
