import type { Insertable } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { RecoveryCodeTable } from '../../db/types.ts';
import { hasWorkingMembership } from '../../plugins/auth.ts';
import { notLocked } from './lockout.ts';

/**
 * All SQL of signing in, sessions, password changes and second factors. Every write that must not act on a locked
 * account carries the condition itself (`notLocked`), so that the lock is found at the instant of the write.
 */

/** The account as the page shows it to its owner: role, scope and what it must still do. */
export const accountOf = (db: Executor, userId: string) =>
  db
    .selectFrom('users as u')
    .leftJoin('regions as r', 'r.code', 'u.scope_region_code')
    .leftJoin('temporary_orgs as o', 'o.id', 'u.scope_org_id')
    .select([
      'u.id',
      'u.username',
      'u.display_name',
      'u.role',
      'u.scope_region_code',
      'r.name as region_name',
      'u.scope_org_id',
      'o.name as org_name',
      'u.member_id',
      'u.must_change_password',
      'u.password_changed_at',
      'u.created_at',
      'u.totp_enabled',
    ])
    .where('u.id', '=', userId)
    .executeTakeFirstOrThrow();

/** The account a login names, with whether its holder still has a working post today. */
export const loginAccount = (db: Executor, username: string, today: string) =>
  db
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.username',
      'u.password_hash',
      'u.active',
      'u.locked_until',
      'u.totp_enabled',
      'u.totp_secret_enc',
      'u.totp_last_step',
      (eb) => hasWorkingMembership(eb, today).as('has_membership'),
    ])
    .where('u.username', '=', username)
    .executeTakeFirst();

/** The account whose password a session asks again. */
export const reauthAccount = (db: Executor, userId: string) =>
  db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'password_hash', 'locked_until', 'totp_enabled'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();

/**
 * Counts one failure in the database's own count, only while the account is unlocked at `now`; answers the new count,
 * or undefined when the account was locked.
 */
export const countFailure = (tx: Executor, userId: string, now: string) =>
  tx
    .updateTable('users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', userId)
    .where(notLocked(now))
    .returning('failed_logins')
    .executeTakeFirst();

export const lockUntil = (tx: Executor, userId: string, until: string) =>
  tx.updateTable('users').set({ failed_logins: 0, locked_until: until }).where('id', '=', userId).execute();

/** Whether the account is unlocked at `now`. */
export const unlockedAt = async (db: Executor, userId: string, now: string) =>
  Boolean(await db.selectFrom('users').select('id').where('id', '=', userId).where(notLocked(now)).executeTakeFirst());

/**
 * Spends an unused recovery code of the account, given the code's digests (`DataCipher.digests`), only while the
 * account is unlocked at `now`.
 */
export async function spendRecoveryCode(db: Executor, userId: string, codeDigests: string[], now: string) {
  const used = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', 'in', codeDigests)
    .where('used_at', 'is', null)
    .where((eb) =>
      eb.exists(eb.selectFrom('users').select('users.id').where('users.id', '=', userId).where(notLocked(now))),
    )
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1;
}

/** Compare-and-set on the last TOTP step used, while unlocked: two requests with the same code cannot both pass. */
export async function moveTotpStep(db: Executor, userId: string, step: number, now: string) {
  const moved = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .where(notLocked(now))
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

/** Clears the failure count when a login succeeds, only while unlocked at `now`; false when locked meanwhile. */
export async function clearFailures(tx: Executor, userId: string, now: string) {
  const r = await tx
    .updateTable('users')
    .set({ failed_logins: 0, locked_until: null })
    .where('id', '=', userId)
    .where(notLocked(now))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const deleteExpiredSessions = (tx: Executor, userId: string, now: string) =>
  tx.deleteFrom('sessions').where('user_id', '=', userId).where('expires_at', '<', now).execute();

/** Ends the session of a token, given its token's digests (`DataCipher.digests`). */
export const endSession = (db: Executor, tokenDigests: string[]) =>
  db.deleteFrom('sessions').where('id', 'in', tokenDigests).execute();

/** Releases the tracking codes the session of a token reserved: a signed-out device's codes serve nobody. */
export const releaseReservedCodes = async (db: Executor, tokenDigests: string[]): Promise<number> =>
  Number(
    (await db.deleteFrom('tracking_code_reservations').where('session_id', 'in', tokenDigests).executeTakeFirst())
      .numDeletedRows,
  );

/** Ends every other session of the account than the one of the token whose digests are given. */
export const endOtherSessions = (tx: Executor, userId: string, keepTokenDigests: string[]) =>
  tx.deleteFrom('sessions').where('user_id', '=', userId).where('id', 'not in', keepTokenDigests).execute();

/** Sets the new password, only while unlocked at `now`. */
export async function setPassword(tx: Executor, userId: string, passwordHash: string, now: string) {
  const r = await tx
    .updateTable('users')
    .set({ password_hash: passwordHash, must_change_password: 0, password_changed_at: now, updated_at: now })
    .where('id', '=', userId)
    .where(notLocked(now))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Stores a new TOTP secret, only while no factor is enabled and the account is unlocked at `now`. */
export async function startTotp(tx: Executor, userId: string, secretEnc: string, now: string) {
  const r = await tx
    .updateTable('users')
    .set({ totp_secret_enc: secretEnc, totp_last_step: null, updated_at: now })
    .where('id', '=', userId)
    .where('totp_enabled', '=', 0)
    .where(notLocked(now))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const totpState = (db: Executor, userId: string) =>
  db
    .selectFrom('users')
    .select(['totp_enabled', 'totp_secret_enc', 'totp_last_step'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();

/** Enables the factor once, with the secret the code was checked against. */
export async function enableTotp(tx: Executor, userId: string, secretEnc: string, step: number, now: string) {
  const r = await tx
    .updateTable('users')
    .set({ totp_enabled: 1, totp_last_step: step, updated_at: now })
    .where('id', '=', userId)
    .where('totp_enabled', '=', 0)
    .where('totp_secret_enc', '=', secretEnc)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Replaces the account's recovery codes. */
export async function replaceRecoveryCodes(tx: Executor, userId: string, rows: Insertable<RecoveryCodeTable>[]) {
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await tx.insertInto('recovery_codes').values(rows).execute();
}
