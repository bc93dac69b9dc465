import { randomBytes } from 'node:crypto';
import { type Permission, roleCan, todayInShanghai } from '@lianjian/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/types.ts';
import type { Actor } from '../lib/actor.ts';
import type { DataCipher } from '../lib/crypto.ts';
import { Problem } from '../lib/problem.ts';
import { actorOfAccount } from '../lib/scope.ts';

export const SESSION_COOKIE = 'lj_session';
const IDLE_MS = 30 * 60 * 1000;
const ABSOLUTE_MS = 8 * 60 * 60 * 1000;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route needs; `public` routes need none. Every /api route must declare one. */
    permission?: Permission | 'public' | 'authenticated';
    /** Reachable by an account that must first change its password or enrol its second factor. */
    allowPending?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** The stored id of the request's session (the digest of its token), when it has a working one. */
    sessionId: string | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const CSRF_COOKIE = 'lj_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** What an account must do before anything else. */
export type Pending = 'password_change' | 'totp_enrollment';

export interface AuthPolicy {
  /** Every account must enrol a TOTP second factor before it can work (on by default in production). */
  requireTotp: boolean;
  /** Days a password stays good; 0 turns expiry off. */
  passwordMaxAgeDays: number;
}

/**
 * Creates a server-side session; only the hashes of the session token and of its CSRF token are stored.
 * The CSRF token goes to the browser in a readable cookie and must come back in X-CSRF-Token.
 */
export async function createSession(
  db: Db,
  cipher: DataCipher,
  userId: string,
): Promise<{ token: string; csrf: string; expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const now = Date.now();
  const expiresAt = new Date(now + ABSOLUTE_MS).toISOString();
  await db
    .insertInto('sessions')
    .values({
      id: cipher.digest(token),
      user_id: userId,
      created_at: new Date(now).toISOString(),
      last_seen_at: new Date(now).toISOString(),
      expires_at: expiresAt,
      csrf_hash: cipher.digest(csrf),
    })
    .execute();
  return { token, csrf, expiresAt };
}

/**
 * An account that works through a membership (a member, a branch secretary) lives only as long as one of its
 * memberships: ending the last one ends its sessions at the next request, and it cannot log in again.
 */
export function hasWorkingMembership(eb: ExpressionBuilder<Database & { u: Database['users'] }, 'u'>, today: string) {
  return eb.or([
    eb('u.member_id', 'is', null),
    eb('u.role', 'not in', ['member', 'org_secretary']),
    eb.exists(
      eb
        .selectFrom('memberships as m')
        .select('m.id')
        .whereRef('m.member_id', '=', 'u.member_id')
        .where((w) => w.or([w('m.end_on', 'is', null), w('m.end_on', '>', today)])),
    ),
  ]);
}

interface SessionActor extends Actor {
  pending: Pending | null;
  csrfHash: string | null;
  sessionId: string;
}

async function loadActor(
  db: Db,
  cipher: DataCipher,
  token: string,
  requestId: string,
  policy: AuthPolicy,
): Promise<SessionActor | null> {
  const today = todayInShanghai();
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('temporary_orgs as o', 'o.id', 'u.scope_org_id')
    .select([
      's.id as session_id',
      's.last_seen_at',
      's.expires_at',
      'u.id',
      'u.username',
      'u.display_name',
      'u.role',
      'u.active',
      'u.scope_region_code',
      'u.scope_org_id',
      'u.acting_party_org_id',
      'u.member_id',
      'u.must_change_password',
      'u.password_changed_at',
      'u.created_at as user_created_at',
      'u.totp_enabled',
      's.csrf_hash',
      'o.path as org_path',
      (eb) => hasWorkingMembership(eb, today).as('has_membership'),
    ])
    .where('s.id', 'in', cipher.digests(token))
    .executeTakeFirst();
  if (!row) return null;
  const id = row.session_id;
  const now = Date.now();
  if (
    !row.active ||
    !row.has_membership ||
    Date.parse(row.expires_at) <= now ||
    Date.parse(row.last_seen_at) + IDLE_MS <= now
  ) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  // Touch at most once a minute: keeps the idle timer honest without a write per request.
  if (now - Date.parse(row.last_seen_at) > 60_000) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(now).toISOString() })
      .where('id', '=', id)
      .execute();
  }
  return {
    ...(await actorOfAccount(db, row, requestId)),
    pending: pendingStep(row, policy, now),
    csrfHash: row.csrf_hash ?? null,
    sessionId: id,
  };
}

/** The password change or the second-factor enrolment an account owes before it may work. */
export function pendingStep(
  u: {
    must_change_password?: number | null;
    password_changed_at?: string | null;
    user_created_at?: string;
    created_at?: string;
    totp_enabled?: number | null;
  },
  policy: AuthPolicy,
  now = Date.now(),
): Pending | null {
  if (Number(u.must_change_password ?? 0) === 1) return 'password_change';
  const since = u.password_changed_at ?? u.user_created_at ?? u.created_at;
  if (policy.passwordMaxAgeDays > 0 && since && Date.parse(since) + policy.passwordMaxAgeDays * 86_400_000 <= now)
    return 'password_change';
  if (policy.requireTotp && Number(u.totp_enabled ?? 0) !== 1) return 'totp_enrollment';
  return null;
}

/** The stored id of the request's session, or 401 when it has none. */
export function requireSession(req: FastifyRequest): string {
  if (!req.actor || !req.sessionId) throw new Problem(401, 'unauthenticated', '请先登录');
  return req.sessionId;
}

/** The request's actor, or 401 when nobody is logged in. */
export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw new Problem(401, 'unauthenticated', '请先登录');
  return req.actor;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every /api route with the permission it declares: what the authorization tests walk. */
    routeTable: { method: string; url: string; permission: string }[];
  }
}

/** Deny by default: a route under /api without a declared permission fails at start-up. */
export function registerAuth(app: FastifyInstance, db: Db, policy: AuthPolicy, cipher: DataCipher): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionId', null);
  const table: { method: string; url: string; permission: string }[] = [];
  app.decorate('routeTable', table);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1') || route.method === 'HEAD') return;
    if (!route.config?.permission) {
      throw new Error(`Route ${route.method} ${route.url} declares no permission`);
    }
    for (const method of [route.method].flat())
      table.push({ method: String(method), url: route.url, permission: route.config.permission });
  });

  app.addHook('onRequest', async (req) => {
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const actor = await loadActor(db, cipher, token, req.id, policy);
    req.actor = actor;
    req.sessionId = actor?.sessionId ?? null;
  });

  app.addHook('preValidation', async (req) => {
    const config = req.routeOptions.config;
    const permission = config?.permission;
    const actor = req.actor as SessionActor | null;
    // CSRF: beyond SameSite=Strict, every state-changing request of a session carries the session's token in a
    // header another site can neither read nor set (synchronizer token).
    if (
      actor &&
      !SAFE_METHODS.has(req.method) &&
      req.url.startsWith('/api/') &&
      !req.url.startsWith('/api/v1/auth/login')
    ) {
      const given = req.headers[CSRF_HEADER];
      if (typeof given !== 'string' || !actor.csrfHash || !cipher.digestMatches(actor.csrfHash, given)) {
        throw new Problem(403, 'csrf_failed', '页面已过期，请刷新后重试');
      }
    }
    if (!permission || permission === 'public') return;
    requireActor(req);
    if (actor?.pending && !config?.allowPending) {
      throw actor.pending === 'password_change'
        ? new Problem(403, 'password_change_required', '请先修改密码')
        : new Problem(403, 'totp_enrollment_required', '请先绑定动态验证码（双因素认证）');
    }
    if (!actor) return;
    if (permission !== 'authenticated' && !roleCan(actor.role, permission)) {
      throw new Problem(403, 'permission_denied', '当前角色无权执行此操作');
    }
  });
}
