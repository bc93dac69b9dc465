import { verify } from '@node-rs/argon2';
import { ROLE_PERMISSIONS, todayInShanghai } from '@lianjian/shared';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import { hashPassword } from '../../lib/passwords.ts';
import { Problem } from '../../lib/problem.ts';
import { type AuthPolicy, createSession, pendingStep } from '../../plugins/auth.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import * as policy from './auth.policy.ts';
import * as repo from './auth.repository.ts';
import { isLocked } from './lockout.ts';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy, reviewPassword } from './password-policy.ts';
import {
  checkTotp,
  enrolment,
  normalRecoveryCode,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
} from './totp.ts';

// Verified against when the user does not exist, so that both failures take the same time.
let dummyHash: Promise<string> | null = null;

/**
 * Refuses a password that breaks the policy, with one message per rule broken. `personal` is what the account
 * says about its owner (the name): a password made of it is guessable.
 */
export function assertPasswordPolicy(
  password: string,
  username: string,
  rules: PasswordPolicy,
  personal: string[] = [],
): void {
  const found = reviewPassword(password, username, rules, personal);
  if (found.length) {
    throw new Problem(
      422,
      'weak_password',
      (found[0] as (typeof found)[number]).message,
      found.map((f) => ({ path: 'newPassword', message: f.message })),
    );
  }
}

const invalidCredentials = () => new Problem(401, 'invalid_credentials', '用户名或密码错误');

export interface AuthServiceOptions {
  cipher: DataCipher;
  /** Password age and second-factor duties (what an account must do before it works). */
  policy: AuthPolicy;
  lockout?: policy.Lockout;
  passwordPolicy?: PasswordPolicy;
}

/** Signing in and out, the account's own password and second factor. The routes set and clear the cookies. */
export class AuthService {
  private readonly lockout: policy.Lockout;
  private readonly passwordPolicy: PasswordPolicy;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly opts: AuthServiceOptions,
  ) {
    this.lockout = opts.lockout ?? policy.DEFAULT_LOCKOUT;
    this.passwordPolicy = opts.passwordPolicy ?? DEFAULT_PASSWORD_POLICY;
  }

  /** The account as its owner sees it: role, permissions, scope and what it must still do. */
  async me(userId: string) {
    const u = await repo.accountOf(this.db, userId);
    const role = u.role;
    return {
      id: u.id,
      username: u.username,
      displayName: u.display_name,
      role,
      permissions: [...ROLE_PERMISSIONS[role]],
      memberId: u.member_id,
      scope: { regionCode: u.scope_region_code, regionName: u.region_name, orgId: u.scope_org_id, orgName: u.org_name },
      totpEnabled: Number(u.totp_enabled ?? 0) === 1,
      pending: pendingStep(u, this.opts.policy),
    };
  }

  private lockedProblem() {
    return new Problem(403, 'account_locked', `密码错误次数过多，账号已锁定，请 ${this.lockout.minutes} 分钟后再试`);
  }

  /**
   * Counts a failure toward the lockout and audits it, in one transaction. The database adds one to its own
   * count: a count read earlier by the request and written back would let twenty requests sent together leave
   * it at one. A failure while the account is already locked is audited (as `locked`) but not counted, so a burst
   * locks it once. Returns whether the account was locked when the failure came: the request then answers exactly
   * as for a locked account, whatever was wrong with it. The account's row is taken before the audit head, in
   * the order a login takes them.
   */
  private fail(
    user: { id: string } | undefined,
    username: string,
    requestId: string,
    reason: policy.Failure,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const actor = { userId: user?.id ?? null, requestId };
      let locked = reason === 'locked';
      let justLocked: { failures: number; until: string } | null = null;
      if (user && policy.countsTowardLockout(reason)) {
        const now = new Date();
        const counted = await repo.countFailure(tx, user.id, now.toISOString());
        if (!counted) locked = true;
        else if (Number(counted.failed_logins) >= this.lockout.attempts) {
          // This transaction holds the row (PostgreSQL) or the database (SQLite) since its update: no other
          // failure is counted between the two statements.
          const until = new Date(now.getTime() + this.lockout.minutes * 60_000).toISOString();
          await repo.lockUntil(tx, user.id, until);
          justLocked = { failures: Number(counted.failed_logins), until };
        }
      }
      await this.audit.record(tx, actor, {
        action: 'auth.failure',
        entityType: 'user',
        entityId: user?.id ?? username.slice(0, 64),
        after: { reason: locked ? 'locked' : reason },
      });
      if (justLocked && user)
        await this.audit.record(tx, actor, {
          action: 'auth.lockout',
          entityType: 'user',
          entityId: user.id,
          after: justLocked,
        });
      return locked;
    });
  }

  /**
   * Whether the account is locked now, read when the answer is chosen. A request reads the account when it arrives
   * and then spends tens of milliseconds checking the password's hash: a burst of wrong guesses sent with it may
   * lock the account meanwhile. An answer that tells a right password from a wrong one and makes no write of its own
   * (the second factor asked for; on a session, a weak new password or a factor already enrolled) is given only
   * after this check; the others (a code spent, a session opened, a failure counted) are conditional writes that
   * find the lock themselves.
   */
  private async lockedNow(userId: string): Promise<boolean> {
    return !(await repo.unlockedAt(this.db, userId, new Date().toISOString()));
  }

  /**
   * The account's password asked again on a session, before a change that an intruder holding the session
   * alone must not make. A wrong one counts toward the lockout like a wrong login; a locked account is refused
   * before its password is tried, so a session cannot go on guessing.
   */
  private async reauthenticate(actor: Actor, password: string) {
    const user = await repo.reauthAccount(this.db, actor.userId);
    if (isLocked(user.locked_until)) throw this.lockedProblem();
    if (!(await verify(user.password_hash, password))) {
      // Locked while the hash was checked: answered as the locked account, like the right password below.
      if (await this.fail(user, user.username, actor.requestId, 'wrong_current_password')) throw this.lockedProblem();
      throw new Problem(422, 'wrong_password', '当前密码不正确');
    }
    // The right password, locked out meanwhile: refused as the wrong ones are, before any later answer (a weak new
    // password, a factor already enrolled) could tell it apart.
    if (await this.lockedNow(user.id)) {
      await this.fail(user, user.username, actor.requestId, 'locked');
      throw this.lockedProblem();
    }
    return user;
  }

  /** A TOTP code (once per time step) or an unused recovery code (once); records what was used. */
  private async secondFactor(
    user: { id: string; totp_secret_enc?: string | null; totp_last_step?: number | null },
    code: string,
  ): Promise<'totp' | 'recovery' | null> {
    // Spent only while the account is unlocked: a code used while it is locked stays good.
    const now = new Date().toISOString();
    if (looksLikeRecoveryCode(code))
      return (await repo.spendRecoveryCode(this.db, user.id, this.opts.cipher.digests(normalRecoveryCode(code)), now))
        ? 'recovery'
        : null;
    if (!user.totp_secret_enc) return null;
    const step = await checkTotp(this.opts.cipher.decrypt(user.totp_secret_enc), code, user.totp_last_step ?? null);
    if (step == null) return null;
    return (await repo.moveTotpStep(this.db, user.id, step, now)) ? 'totp' : null;
  }

  /** Signs in: a session for the account, with the account as its owner sees it. `existingToken` is the browser's old session. */
  async login(
    body: { username: string; password: string; code?: string | undefined },
    requestId: string,
    existingToken: string | undefined,
  ) {
    const user = await repo.loginAccount(this.db, body.username, todayInShanghai());
    dummyHash ??= hashPassword('not-a-real-password');
    // The hash is always verified, so that an unknown user, a wrong password and a locked account answer
    // alike and take the same time.
    const ok = await verify(user?.password_hash ?? (await dummyHash), body.password);
    const refusal = policy.loginRefusal(user, ok, isLocked(user?.locked_until));
    if (!user || refusal) {
      await this.fail(user, body.username, requestId, refusal ?? 'unknown_user');
      throw invalidCredentials();
    }
    // The right password, which the account may have been locked against while the hash was checked (by wrong
    // guesses sent with this one). Each answer below finds the lock before it tells this guess apart: asking for
    // the second factor reads it again; a code is spent, a failure counted and a session opened only by writes
    // that find the account unlocked.
    let factor: 'totp' | 'recovery' | null = null;
    if (Number(user.totp_enabled ?? 0) === 1) {
      if (!body.code) {
        if (await this.lockedNow(user.id)) {
          await this.fail(user, body.username, requestId, 'locked');
          throw invalidCredentials();
        }
        throw new Problem(401, 'totp_required', '请输入动态验证码');
      }
      // A code is spent only while the account is unlocked; a wrong one that finds it locked (the count's own
      // condition) answers as a wrong password does, not as a wrong code.
      factor = await this.secondFactor(user, body.code);
      if (!factor) {
        if (await this.fail(user, body.username, requestId, 'wrong_code')) throw invalidCredentials();
        throw new Problem(401, 'invalid_code', '动态验证码错误或已使用');
      }
    }
    const session = await this.db.transaction().execute(async (tx) => {
      // Unlocked now, not only when this request read the account: a right guess finishing after a burst of
      // wrong ones has locked the account is refused like any other.
      const now = new Date().toISOString();
      if (!(await repo.clearFailures(tx, user.id, now))) return null;
      // Expired sessions of this user are cleared at each login; the table never grows without bound per user.
      await repo.deleteExpiredSessions(tx, user.id, now);
      if (existingToken) await repo.endSession(tx, this.opts.cipher.digests(existingToken));
      const created = await createSession(tx, this.opts.cipher, user.id);
      await this.audit.record(
        tx,
        { userId: user.id, requestId },
        { action: 'auth.login', entityType: 'user', entityId: user.id, ...(factor ? { after: { factor } } : {}) },
      );
      return created;
    });
    if (!session) {
      await this.fail(user, body.username, requestId, 'locked');
      throw invalidCredentials();
    }
    return { session, me: await this.me(user.id) };
  }

  /** Ends the browser's session; audited when it belonged to someone. */
  async logout(token: string | undefined, actor: Actor | undefined) {
    if (!actor) {
      // No session behind the cookie (expired or unknown): nothing of anyone's to record.
      if (token) {
        const digests = this.opts.cipher.digests(token);
        await repo.endSession(this.db, digests);
        await repo.releaseReservedCodes(this.db, digests);
      }
      return;
    }
    await this.db.transaction().execute(async (tx) => {
      let released = 0;
      if (token) {
        const digests = this.opts.cipher.digests(token);
        await repo.endSession(tx, digests);
        released = await repo.releaseReservedCodes(tx, digests);
      }
      await this.audit.record(tx, actor, {
        action: 'auth.logout',
        entityType: 'user',
        entityId: actor.userId,
        ...(released > 0 ? { after: { releasedTrackingCodes: released } } : {}),
      });
    });
  }

  /** The owner changes their password; every other session of the account ends with the old one. */
  async changePassword(
    actor: Actor,
    body: { currentPassword: string; newPassword: string },
    sessionToken: string | undefined,
  ) {
    const user = await this.reauthenticate(actor, body.currentPassword);
    if (body.newPassword === body.currentPassword) throw new Problem(422, 'same_password', '新密码不能与当前密码相同');
    assertPasswordPolicy(body.newPassword, user.username, this.passwordPolicy, [user.display_name]);
    const passwordHash = await hashPassword(body.newPassword);
    await this.db.transaction().execute(async (tx) => {
      if (!(await repo.setPassword(tx, actor.userId, passwordHash, new Date().toISOString())))
        throw this.lockedProblem();
      await repo.endOtherSessions(tx, actor.userId, this.opts.cipher.digests(sessionToken ?? ''));
      await this.audit.record(tx, actor, {
        action: 'auth.password_change',
        entityType: 'user',
        entityId: actor.userId,
      });
    });
    return this.me(actor.userId);
  }

  /** Starts binding a second factor: the password asked again, a new secret and its QR code (audited). */
  async startTotp(actor: Actor, password: string) {
    // A session alone (a borrowed browser, a stolen cookie) must not bind the intruder's phone to the account.
    const user = await this.reauthenticate(actor, password);
    if (Number(user.totp_enabled ?? 0) === 1)
      throw new Problem(409, 'totp_already_enabled', '已绑定动态验证码；如需更换，请联系安全管理员重置');
    const secret = newTotpSecret();
    await this.db.transaction().execute(async (tx) => {
      // Only while no factor is enabled and the account is not locked, checked by the write itself.
      if (!(await repo.startTotp(tx, actor.userId, this.opts.cipher.encrypt(secret), new Date().toISOString()))) {
        const current = await repo.totpState(tx, actor.userId);
        throw Number(current.totp_enabled ?? 0) === 1
          ? new Problem(409, 'totp_already_enabled', '已绑定动态验证码')
          : this.lockedProblem();
      }
      await this.audit.record(tx, actor, { action: 'auth.totp_setup', entityType: 'user', entityId: actor.userId });
    });
    return { secret, ...(await enrolment(secret, user.username)) };
  }

  /** Confirms the factor with one code and hands out ten recovery codes, shown this once. */
  async enableTotp(actor: Actor, code: string) {
    const user = await repo.totpState(this.db, actor.userId);
    if (Number(user.totp_enabled ?? 0) === 1) throw new Problem(409, 'totp_already_enabled', '已绑定动态验证码');
    if (!user.totp_secret_enc) throw new Problem(409, 'totp_not_started', '请先生成二维码');
    const secretEnc = user.totp_secret_enc;
    const step = await checkTotp(this.opts.cipher.decrypt(secretEnc), code, user.totp_last_step ?? null);
    if (step == null) throw new Problem(422, 'invalid_code', '动态验证码错误，请核对手机时间后重试');
    const codes = newRecoveryCodes();
    await this.db.transaction().execute(async (tx) => {
      const now = new Date().toISOString();
      // Enabled once, with the secret this request checked the code against: two confirmations at the same
      // moment (or one racing a new setup) cannot both hand out recovery codes.
      if (!(await repo.enableTotp(tx, actor.userId, secretEnc, step, now)))
        throw new Problem(409, 'totp_already_enabled', '已绑定动态验证码');
      await repo.replaceRecoveryCodes(
        tx,
        actor.userId,
        codes.map((c) => ({
          id: newId(),
          user_id: actor.userId,
          code_hash: this.opts.cipher.digest(normalRecoveryCode(c)),
          created_at: now,
          used_at: null,
        })),
      );
      await this.audit.record(tx, actor, { action: 'auth.totp_enable', entityType: 'user', entityId: actor.userId });
    });
    return { recoveryCodes: codes };
  }
}
