import { verify } from '@node-rs/argon2';
import { PERMISSIONS, ROLE_PERMISSIONS, USER_ROLES, type UserRole, todayInShanghai } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/index.ts';
import { Problem } from '../../lib/problem.ts';
import { problemReplies } from '../../lib/schemas.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import {
  type AuthPolicy,
  CSRF_COOKIE,
  SESSION_COOKIE,
  createSession,
  hasWorkingMembership,
  hashToken,
  pendingStep,
  requireActor,
} from '../../plugins/auth.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../../lib/actor.ts';
import { isLocked, notLocked } from './lockout.ts';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy, reviewPassword } from './password-policy.ts';
import {
  checkTotp,
  enrolment,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
} from './totp.ts';
import { hashPassword } from '../../lib/passwords.ts';

export const Me = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(USER_ROLES),
    permissions: z.array(z.enum(PERMISSIONS)),
    memberId: z.string().nullable().describe('The party member this account belongs to, if any: their own duty record'),
    scope: z.object({
      regionCode: z.string().nullable(),
      regionName: z.string().nullable(),
      orgId: z.string().nullable(),
      orgName: z.string().nullable(),
    }),
    totpEnabled: z.boolean(),
    pending: z
      .enum(['password_change', 'totp_enrollment'])
      .nullable()
      .describe('What the account must do before it can work'),
  })
  .meta({ id: 'Me' });

const Login = z
  .strictObject({
    username: z.string().trim().min(1).max(64),
    password: z.string().min(1).max(128),
    code: z
      .string()
      .trim()
      .max(20)
      .optional()
      .describe('Six-digit TOTP code, or a recovery code, once the password is accepted'),
  })
  .meta({ id: 'Login' });

const PasswordChange = z
  .strictObject({ currentPassword: z.string().min(1).max(128), newPassword: z.string().min(1).max(256) })
  .meta({ id: 'PasswordChange' });
const TotpStart = z
  .strictObject({
    password: z
      .string()
      .min(1)
      .max(128)
      .describe("The account's password, asked again before a new second factor is made"),
  })
  .meta({ id: 'TotpStart' });
const TotpSetup = z
  .object({ secret: z.string(), uri: z.string(), qr: z.string().describe('PNG data URL of the otpauth URI') })
  .meta({ id: 'TotpSetup' });
const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) }).meta({ id: 'RecoveryCodes' });

// Verified against when the user does not exist, so that both failures take the same time.
let dummyHash: Promise<string> | null = null;

/** Consecutive failures that lock an account, and for how long (GB/T 22239: 5 and 15 minutes by default). */
export interface Lockout {
  attempts: number;
  minutes: number;
}

/**
 * Refuses a password that breaks the policy, with one message per rule broken. `personal` is what the account
 * says about its owner (the name): a password made of it is guessable.
 */
export function assertPasswordPolicy(
  password: string,
  username: string,
  policy: PasswordPolicy,
  personal: string[] = [],
): void {
  const found = reviewPassword(password, username, policy, personal);
  if (found.length) {
    throw new Problem(
      422,
      'weak_password',
      (found[0] as (typeof found)[number]).message,
      found.map((f) => ({ path: 'newPassword', message: f.message })),
    );
  }
}

/** Failures that count toward the lockout: a wrong password (at login or asked again on a session) or second factor. */
type Failure =
  | 'unknown_user'
  | 'locked'
  | 'disabled'
  | 'no_membership'
  | 'wrong_password'
  | 'wrong_code'
  | 'wrong_current_password';
const COUNTED = new Set<Failure>(['wrong_password', 'wrong_code', 'wrong_current_password']);

export interface AuthOptions {
  secureCookies: boolean;
  lockout?: Lockout;
  cipher: DataCipher;
  policy: AuthPolicy;
  passwordPolicy?: PasswordPolicy;
}

export function authRoutes(db: Db, opts: AuthOptions): FastifyPluginAsyncZod {
  const lockout = opts.lockout ?? { attempts: 5, minutes: 15 };
  const passwordPolicy = opts.passwordPolicy ?? DEFAULT_PASSWORD_POLICY;
  const cookieOptions = { path: '/', sameSite: 'strict' as const, secure: opts.secureCookies, maxAge: 8 * 60 * 60 };
  return async (app) => {
    const me = async (userId: string) => {
      const u = await db
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
      const role = u.role as UserRole;
      return {
        id: u.id,
        username: u.username,
        displayName: u.display_name,
        role,
        permissions: [...ROLE_PERMISSIONS[role]],
        memberId: u.member_id,
        scope: {
          regionCode: u.scope_region_code,
          regionName: u.region_name,
          orgId: u.scope_org_id,
          orgName: u.org_name,
        },
        totpEnabled: Number(u.totp_enabled ?? 0) === 1,
        pending: pendingStep(u, opts.policy),
      };
    };

    /**
     * Counts a failure toward the lockout and audits it, in one transaction. The database adds one to its own
     * count: a count read earlier by the request and written back would let twenty requests sent together leave
     * it at one. A failure while the account is already locked is audited (as `locked`) but not counted, so a burst
     * locks it once. Returns whether the account was locked when the failure came: the request then answers exactly
     * as for a locked account, whatever was wrong with it. The account's row is taken before the audit head, in
     * the order a login takes them.
     */
    const fail = async (
      user: { id: string } | undefined,
      username: string,
      requestId: string,
      reason: Failure,
    ): Promise<boolean> =>
      db.transaction().execute(async (tx) => {
        const actor = { userId: user?.id ?? null, requestId };
        let locked = reason === 'locked';
        let justLocked: { failures: number; until: string } | null = null;
        if (user && COUNTED.has(reason)) {
          const now = new Date();
          const counted = await tx
            .updateTable('users')
            .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
            .where('id', '=', user.id)
            .where(notLocked(now.toISOString()))
            .returning('failed_logins')
            .executeTakeFirst();
          if (!counted) locked = true;
          else if (Number(counted.failed_logins) >= lockout.attempts) {
            // This transaction holds the row (PostgreSQL) or the database (SQLite) since its update: no other
            // failure is counted between the two statements.
            const until = new Date(now.getTime() + lockout.minutes * 60_000).toISOString();
            await tx
              .updateTable('users')
              .set({ failed_logins: 0, locked_until: until })
              .where('id', '=', user.id)
              .execute();
            justLocked = { failures: Number(counted.failed_logins), until };
          }
        }
        await recordAudit(tx, actor, {
          action: 'auth.failure',
          entityType: 'user',
          entityId: user?.id ?? username.slice(0, 64),
          after: { reason: locked ? 'locked' : reason },
        });
        if (justLocked && user)
          await recordAudit(tx, actor, {
            action: 'auth.lockout',
            entityType: 'user',
            entityId: user.id,
            after: justLocked,
          });
        return locked;
      });

    /**
     * Whether the account is locked now, read when the answer is chosen. A request reads the account when it arrives
     * and then spends tens of milliseconds checking the password's hash: a burst of wrong guesses sent with it may
     * lock the account meanwhile. An answer that tells a right password from a wrong one and makes no write of its own
     * (the second factor asked for; on a session, a weak new password or a factor already enrolled) is given only
     * after this check; the others (a code spent, a session opened, a failure counted) are conditional writes that
     * find the lock themselves.
     */
    const lockedNow = async (userId: string): Promise<boolean> =>
      !(await db
        .selectFrom('users')
        .select('id')
        .where('id', '=', userId)
        .where(notLocked(new Date().toISOString()))
        .executeTakeFirst());

    const lockedProblem = () =>
      new Problem(403, 'account_locked', `密码错误次数过多，账号已锁定，请 ${lockout.minutes} 分钟后再试`);

    /**
     * The account's password asked again on a session, before a change that an intruder holding the session
     * alone must not make. A wrong one counts toward the lockout like a wrong login; a locked account is refused
     * before its password is tried, so a session cannot go on guessing.
     */
    const reauthenticate = async (actor: Actor, password: string) => {
      const user = await db
        .selectFrom('users')
        .select(['id', 'username', 'display_name', 'password_hash', 'locked_until', 'totp_enabled'])
        .where('id', '=', actor.userId)
        .executeTakeFirstOrThrow();
      if (isLocked(user.locked_until)) throw lockedProblem();
      if (!(await verify(user.password_hash, password))) {
        // Locked while the hash was checked: answered as the locked account, like the right password below.
        if (await fail(user, user.username, actor.requestId, 'wrong_current_password')) throw lockedProblem();
        throw new Problem(422, 'wrong_password', '当前密码不正确');
      }
      // The right password, locked out meanwhile: refused as the wrong ones are, before any later answer (a weak new
      // password, a factor already enrolled) could tell it apart.
      if (await lockedNow(user.id)) {
        await fail(user, user.username, actor.requestId, 'locked');
        throw lockedProblem();
      }
      return user;
    };

    /** A TOTP code (once per time step) or an unused recovery code (once); records what was used. */
    const secondFactor = async (
      user: { id: string; totp_secret_enc?: string | null; totp_last_step?: number | null },
      code: string,
    ): Promise<'totp' | 'recovery' | null> => {
      // Spent only while the account is unlocked: a code used while it is locked stays good.
      const now = new Date().toISOString();
      if (looksLikeRecoveryCode(code)) {
        const used = await db
          .updateTable('recovery_codes')
          .set({ used_at: now })
          .where('user_id', '=', user.id)
          .where('code_hash', '=', hashRecoveryCode(code))
          .where('used_at', 'is', null)
          .where((eb) =>
            eb.exists(eb.selectFrom('users').select('users.id').where('users.id', '=', user.id).where(notLocked(now))),
          )
          .executeTakeFirst();
        return Number(used.numUpdatedRows) === 1 ? 'recovery' : null;
      }
      if (!user.totp_secret_enc) return null;
      const step = await checkTotp(opts.cipher.decrypt(user.totp_secret_enc), code, user.totp_last_step ?? null);
      if (step == null) return null;
      // Compare-and-set on the last step: two requests with the same code cannot both pass.
      const moved = await db
        .updateTable('users')
        .set({ totp_last_step: step })
        .where('id', '=', user.id)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .where(notLocked(now))
        .executeTakeFirst();
      return Number(moved.numUpdatedRows) === 1 ? 'totp' : null;
    };

    // Session and credential routes ignore Idempotency-Key: what they give is a cookie or a secret on this device,
    // which a stored reply could not give again; a repeat is harmless or refused (a second session, a password
    // already changed).
    app.post('/auth/login', {
      config: { permission: 'public', rateLimit: { max: 20, timeWindow: '1 minute' }, idempotency: false },
      schema: { tags: ['auth'], summary: '登录', body: Login, response: { 200: Me, ...problemReplies } },
      handler: async (req, reply) => {
        const user = await db
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
            (eb) => hasWorkingMembership(eb, todayInShanghai()).as('has_membership'),
          ])
          .where('u.username', '=', req.body.username)
          .executeTakeFirst();
        dummyHash ??= hashPassword('not-a-real-password');
        // The hash is always verified, so that an unknown user, a wrong password and a locked account answer
        // alike and take the same time.
        const ok = await verify(user?.password_hash ?? (await dummyHash), req.body.password);
        const locked = isLocked(user?.locked_until);
        const working = Boolean(user?.active) && Boolean(user?.has_membership);
        if (!user || !ok || !working || locked) {
          const reason: Failure = !user
            ? 'unknown_user'
            : locked
              ? 'locked'
              : !user.active
                ? 'disabled'
                : !ok
                  ? 'wrong_password'
                  : 'no_membership';
          await fail(user, req.body.username, req.id, reason);
          throw new Problem(401, 'invalid_credentials', '用户名或密码错误');
        }
        // The right password, which the account may have been locked against while the hash was checked (by wrong
        // guesses sent with this one). Each answer below finds the lock before it tells this guess apart: asking for
        // the second factor reads it again; a code is spent, a failure counted and a session opened only by writes
        // that find the account unlocked.
        let factor: 'totp' | 'recovery' | null = null;
        if (Number(user.totp_enabled ?? 0) === 1) {
          if (!req.body.code) {
            if (await lockedNow(user.id)) {
              await fail(user, req.body.username, req.id, 'locked');
              throw new Problem(401, 'invalid_credentials', '用户名或密码错误');
            }
            throw new Problem(401, 'totp_required', '请输入动态验证码');
          }
          // A code is spent only while the account is unlocked; a wrong one that finds it locked (the count's own
          // condition) answers as a wrong password does, not as a wrong code.
          factor = await secondFactor(user, req.body.code);
          if (!factor) {
            if (await fail(user, req.body.username, req.id, 'wrong_code'))
              throw new Problem(401, 'invalid_credentials', '用户名或密码错误');
            throw new Problem(401, 'invalid_code', '动态验证码错误或已使用');
          }
        }
        const existing = req.cookies[SESSION_COOKIE];
        const session = await db.transaction().execute(async (tx) => {
          // Unlocked now, not only when this request read the account: a right guess finishing after a burst of
          // wrong ones has locked the account is refused like any other.
          const opened = await tx
            .updateTable('users')
            .set({ failed_logins: 0, locked_until: null })
            .where('id', '=', user.id)
            .where(notLocked(new Date().toISOString()))
            .executeTakeFirst();
          if (Number(opened.numUpdatedRows) !== 1) return null;
          // Expired sessions of this user are cleared at each login; the table never grows without bound per user.
          await tx
            .deleteFrom('sessions')
            .where('user_id', '=', user.id)
            .where('expires_at', '<', new Date().toISOString())
            .execute();
          if (existing) await tx.deleteFrom('sessions').where('id', '=', hashToken(existing)).execute();
          const created = await createSession(tx, user.id);
          await recordAudit(
            tx,
            { userId: user.id, requestId: req.id },
            { action: 'auth.login', entityType: 'user', entityId: user.id, ...(factor ? { after: { factor } } : {}) },
          );
          return created;
        });
        if (!session) {
          await fail(user, req.body.username, req.id, 'locked');
          throw new Problem(401, 'invalid_credentials', '用户名或密码错误');
        }
        reply.setCookie(SESSION_COOKIE, session.token, { ...cookieOptions, httpOnly: true });
        // Readable by the page, which sends it back in X-CSRF-Token; useless to another site, which cannot read it.
        reply.setCookie(CSRF_COOKIE, session.csrf, { ...cookieOptions, httpOnly: false });
        return me(user.id);
      },
    });

    app.post('/auth/logout', {
      config: { permission: 'public', idempotency: false },
      schema: { tags: ['auth'], summary: '退出登录', response: { 204: z.undefined() } },
      handler: async (req, reply) => {
        const token = req.cookies[SESSION_COOKIE];
        if (token) await db.deleteFrom('sessions').where('id', '=', hashToken(token)).execute();
        if (req.actor) {
          const actor = req.actor;
          await db
            .transaction()
            .execute((tx) =>
              recordAudit(tx, actor, { action: 'auth.logout', entityType: 'user', entityId: actor.userId }),
            );
        }
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        reply.clearCookie(CSRF_COOKIE, { path: '/' });
        return reply.code(204).send();
      },
    });

    app.get('/auth/me', {
      config: { permission: 'authenticated', allowPending: true },
      schema: { tags: ['auth'], summary: '当前用户、角色与范围', response: { 200: Me, ...problemReplies } },
      handler: (req) => me(requireActor(req).userId),
    });

    app.post('/auth/password', {
      config: {
        permission: 'authenticated',
        allowPending: true,
        rateLimit: { max: 10, timeWindow: '1 minute' },
        idempotency: false,
      },
      schema: {
        tags: ['auth'],
        summary: '修改本人密码（首次登录、重置后、过期时必须修改）',
        body: PasswordChange,
        response: { 200: Me, ...problemReplies },
      },
      handler: async (req) => {
        const actor = requireActor(req);
        const user = await reauthenticate(actor, req.body.currentPassword);
        if (req.body.newPassword === req.body.currentPassword)
          throw new Problem(422, 'same_password', '新密码不能与当前密码相同');
        assertPasswordPolicy(req.body.newPassword, user.username, passwordPolicy, [user.display_name]);
        const passwordHash = await hashPassword(req.body.newPassword);
        const token = req.cookies[SESSION_COOKIE];
        await db.transaction().execute(async (tx) => {
          const now = new Date().toISOString();
          const changed = await tx
            .updateTable('users')
            .set({ password_hash: passwordHash, must_change_password: 0, password_changed_at: now, updated_at: now })
            .where('id', '=', actor.userId)
            .where(notLocked(now))
            .executeTakeFirst();
          if (Number(changed.numUpdatedRows) !== 1) throw lockedProblem();
          // Every other session of this account ends with the old password.
          await tx
            .deleteFrom('sessions')
            .where('user_id', '=', actor.userId)
            .where('id', '!=', hashToken(token ?? ''))
            .execute();
          await recordAudit(tx, actor, { action: 'auth.password_change', entityType: 'user', entityId: actor.userId });
        });
        return me(actor.userId);
      },
    });

    app.post('/auth/totp/setup', {
      config: {
        permission: 'authenticated',
        allowPending: true,
        rateLimit: { max: 10, timeWindow: '1 minute' },
        idempotency: false,
      },
      schema: {
        tags: ['auth'],
        summary: '开始绑定动态验证码：再次输入密码，生成密钥与二维码（记入审计）',
        body: TotpStart,
        response: { 200: TotpSetup, ...problemReplies },
      },
      handler: async (req) => {
        const actor = requireActor(req);
        // A session alone (a borrowed browser, a stolen cookie) must not bind the intruder's phone to the account.
        const user = await reauthenticate(actor, req.body.password);
        if (Number(user.totp_enabled ?? 0) === 1)
          throw new Problem(409, 'totp_already_enabled', '已绑定动态验证码；如需更换，请联系安全管理员重置');
        const secret = newTotpSecret();
        await db.transaction().execute(async (tx) => {
          const now = new Date().toISOString();
          // Only while no factor is enabled and the account is not locked, checked by the write itself.
          const started = await tx
            .updateTable('users')
            .set({ totp_secret_enc: opts.cipher.encrypt(secret), totp_last_step: null, updated_at: now })
            .where('id', '=', actor.userId)
            .where('totp_enabled', '=', 0)
            .where(notLocked(now))
            .executeTakeFirst();
          if (Number(started.numUpdatedRows) !== 1) {
            const current = await tx
              .selectFrom('users')
              .select('totp_enabled')
              .where('id', '=', actor.userId)
              .executeTakeFirstOrThrow();
            throw Number(current.totp_enabled ?? 0) === 1
              ? new Problem(409, 'totp_already_enabled', '已绑定动态验证码')
              : lockedProblem();
          }
          await recordAudit(tx, actor, { action: 'auth.totp_setup', entityType: 'user', entityId: actor.userId });
        });
        return { secret, ...(await enrolment(secret, user.username)) };
      },
    });

    app.post('/auth/totp/enable', {
      config: {
        permission: 'authenticated',
        allowPending: true,
        rateLimit: { max: 10, timeWindow: '1 minute' },
        idempotency: false,
      },
      schema: {
        tags: ['auth'],
        summary: '以一个动态验证码确认绑定，返回十个恢复码（只显示这一次）',
        body: z
          .strictObject({
            code: z
              .string()
              .trim()
              .regex(/^\d{6}$/, '请输入 6 位数字验证码'),
          })
          .meta({ id: 'TotpEnable' }),
        response: { 200: RecoveryCodes, ...problemReplies },
      },
      handler: async (req) => {
        const actor = requireActor(req);
        const user = await db
          .selectFrom('users')
          .select(['totp_enabled', 'totp_secret_enc', 'totp_last_step'])
          .where('id', '=', actor.userId)
          .executeTakeFirstOrThrow();
        if (Number(user.totp_enabled ?? 0) === 1) throw new Problem(409, 'totp_already_enabled', '已绑定动态验证码');
        if (!user.totp_secret_enc) throw new Problem(409, 'totp_not_started', '请先生成二维码');
        const step = await checkTotp(
          opts.cipher.decrypt(user.totp_secret_enc),
          req.body.code,
          user.totp_last_step ?? null,
        );
        if (step == null) throw new Problem(422, 'invalid_code', '动态验证码错误，请核对手机时间后重试');
        const codes = newRecoveryCodes();
        await db.transaction().execute(async (tx) => {
          const now = new Date().toISOString();
          // Enabled once, with the secret this request checked the code against: two confirmations at the same
          // moment (or one racing a new setup) cannot both hand out recovery codes.
          const enabled = await tx
            .updateTable('users')
            .set({ totp_enabled: 1, totp_last_step: step, updated_at: now })
            .where('id', '=', actor.userId)
            .where('totp_enabled', '=', 0)
            .where('totp_secret_enc', '=', user.totp_secret_enc as string)
            .executeTakeFirst();
          if (Number(enabled.numUpdatedRows) !== 1) throw new Problem(409, 'totp_already_enabled', '已绑定动态验证码');
          await tx.deleteFrom('recovery_codes').where('user_id', '=', actor.userId).execute();
          await tx
            .insertInto('recovery_codes')
            .values(
              codes.map((c) => ({
                id: newId(),
                user_id: actor.userId,
                code_hash: hashRecoveryCode(c),
                created_at: now,
                used_at: null,
              })),
            )
            .execute();
          await recordAudit(tx, actor, { action: 'auth.totp_enable', entityType: 'user', entityId: actor.userId });
        });
        return { recoveryCodes: codes };
      },
    });
  };
}
