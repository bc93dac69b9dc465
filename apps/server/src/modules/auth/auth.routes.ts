import { hash, verify } from '@node-rs/argon2';
import { PERMISSIONS, ROLE_PERMISSIONS, USER_ROLES, type UserRole } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/index.ts';
import { Problem } from '../../lib/problem.ts';
import { problemReplies } from '../../lib/schemas.ts';
import { SESSION_COOKIE, createSession, hashToken, requireActor } from '../../plugins/auth.ts';
import { recordAudit } from '../audit/audit.service.ts';

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
  })
  .meta({ id: 'Me' });

const Login = z.strictObject({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(128) }).meta({ id: 'Login' });

// Verified against when the user does not exist, so that both failures take the same time.
let dummyHash: Promise<string> | null = null;

export const hashPassword = (password: string) => hash(password, { algorithm: 2 });

/** Consecutive failures that lock an account, and for how long (GB/T 22239: 5 and 15 minutes by default). */
export interface Lockout {
  attempts: number;
  minutes: number;
}

export function authRoutes(db: Db, opts: { secureCookies: boolean; lockout?: Lockout }): FastifyPluginAsyncZod {
  const lockout = opts.lockout ?? { attempts: 5, minutes: 15 };
  return async (app) => {
    const me = async (userId: string) => {
      const u = await db
        .selectFrom('users as u')
        .leftJoin('regions as r', 'r.code', 'u.scope_region_code')
        .leftJoin('temporary_orgs as o', 'o.id', 'u.scope_org_id')
        .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'u.scope_region_code', 'r.name as region_name', 'u.scope_org_id', 'o.name as org_name', 'u.member_id'])
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
        scope: { regionCode: u.scope_region_code, regionName: u.region_name, orgId: u.scope_org_id, orgName: u.org_name },
      };
    };

    app.post('/auth/login', {
      config: { permission: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: { tags: ['auth'], summary: '登录', body: Login, response: { 200: Me, ...problemReplies } },
      handler: async (req, reply) => {
        const user = await db
          .selectFrom('users')
          .select(['id', 'password_hash', 'active', 'failed_logins', 'locked_until'])
          .where('username', '=', req.body.username)
          .executeTakeFirst();
        dummyHash ??= hashPassword('not-a-real-password');
        // The hash is always verified, so that an unknown user, a wrong password and a locked account answer
        // alike and take the same time.
        const ok = await verify(user?.password_hash ?? (await dummyHash), req.body.password);
        const now = new Date();
        const locked = Boolean(user?.locked_until && user.locked_until > now.toISOString());
        if (!user || !ok || !user.active || locked) {
          await db.transaction().execute(async (tx) => {
            const actor = { userId: user?.id ?? null, requestId: req.id };
            await recordAudit(tx, actor, {
              action: 'auth.failure',
              entityType: 'user',
              entityId: user?.id ?? req.body.username.slice(0, 64),
              after: { reason: !user ? 'unknown_user' : locked ? 'locked' : !user.active ? 'disabled' : 'wrong_password' },
            });
            if (user && !ok && !locked) {
              const failures = Number(user.failed_logins ?? 0) + 1;
              if (failures >= lockout.attempts) {
                const until = new Date(now.getTime() + lockout.minutes * 60_000).toISOString();
                await tx.updateTable('users').set({ failed_logins: 0, locked_until: until }).where('id', '=', user.id).execute();
                await recordAudit(tx, actor, { action: 'auth.lockout', entityType: 'user', entityId: user.id, after: { failures, until } });
              } else {
                await tx.updateTable('users').set({ failed_logins: failures }).where('id', '=', user.id).execute();
              }
            }
          });
          throw new Problem(401, 'invalid_credentials', '用户名或密码错误');
        }
        if (Number(user.failed_logins ?? 0) > 0 || user.locked_until) {
          await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
        }
        // Expired sessions of this user are cleared at each login; the table never grows without bound per user.
        await db.deleteFrom('sessions').where('user_id', '=', user.id).where('expires_at', '<', new Date().toISOString()).execute();
        const { token } = await createSession(db, user.id);
        const existing = req.cookies[SESSION_COOKIE];
        if (existing) await db.deleteFrom('sessions').where('id', '=', hashToken(existing)).execute();
        reply.setCookie(SESSION_COOKIE, token, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure: opts.secureCookies,
          maxAge: 8 * 60 * 60,
        });
        await db.transaction().execute((tx) =>
          recordAudit(tx, { userId: user.id, requestId: req.id }, { action: 'auth.login', entityType: 'user', entityId: user.id }),
        );
        return me(user.id);
      },
    });

    app.post('/auth/logout', {
      config: { permission: 'public' },
      schema: { tags: ['auth'], summary: '退出登录', response: { 204: z.undefined() } },
      handler: async (req, reply) => {
        const token = req.cookies[SESSION_COOKIE];
        if (token) await db.deleteFrom('sessions').where('id', '=', hashToken(token)).execute();
        if (req.actor) {
          const actor = req.actor;
          await db.transaction().execute((tx) =>
            recordAudit(tx, actor, { action: 'auth.logout', entityType: 'user', entityId: actor.userId }),
          );
        }
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send();
      },
    });

    app.get('/auth/me', {
      config: { permission: 'authenticated' },
      schema: { tags: ['auth'], summary: '当前用户、角色与范围', response: { 200: Me, ...problemReplies } },
      handler: (req) => me(requireActor(req).userId),
    });
  };
}
