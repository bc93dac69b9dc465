import { createHash, randomBytes } from 'node:crypto';
import { type Permission, type UserRole, roleCan } from '@lianjian/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Actor } from '../lib/actor.ts';
import { Problem } from '../lib/problem.ts';

export const SESSION_COOKIE = 'lj_session';
const IDLE_MS = 30 * 60 * 1000;
const ABSOLUTE_MS = 8 * 60 * 60 * 1000;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route needs; `public` routes need none. Every /api route must declare one. */
    permission?: Permission | 'public' | 'authenticated';
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Creates a server-side session; only the hash of the token is stored. */
export async function createSession(db: Db, userId: string): Promise<{ token: string; expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = new Date(now + ABSOLUTE_MS).toISOString();
  await db
    .insertInto('sessions')
    .values({
      id: hashToken(token),
      user_id: userId,
      created_at: new Date(now).toISOString(),
      last_seen_at: new Date(now).toISOString(),
      expires_at: expiresAt,
    })
    .execute();
  return { token, expiresAt };
}

async function loadActor(db: Db, token: string, requestId: string): Promise<Actor | null> {
  const id = hashToken(token);
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
      'o.path as org_path',
    ])
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const now = Date.now();
  if (!row.active || Date.parse(row.expires_at) <= now || Date.parse(row.last_seen_at) + IDLE_MS <= now) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  // Touch at most once a minute: keeps the idle timer honest without a write per request.
  if (now - Date.parse(row.last_seen_at) > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: new Date(now).toISOString() }).where('id', '=', id).execute();
  }
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as UserRole,
    regionCode: row.scope_region_code,
    orgPath: row.org_path ?? null,
    orgId: row.scope_org_id,
    actingPartyOrgId: row.acting_party_org_id,
    memberId: row.member_id,
    requestId,
  };
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
export function registerAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest('actor', null);
  const table: { method: string; url: string; permission: string }[] = [];
  app.decorate('routeTable', table);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1') || route.method === 'HEAD') return;
    if (!route.config?.permission) {
      throw new Error(`Route ${route.method} ${route.url} declares no permission`);
    }
    for (const method of [route.method].flat()) table.push({ method: String(method), url: route.url, permission: route.config.permission });
  });

  app.addHook('onRequest', async (req) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) req.actor = await loadActor(db, token, req.id);
  });

  app.addHook('preValidation', async (req) => {
    const permission = req.routeOptions.config?.permission;
    if (!permission || permission === 'public') return;
    const actor = requireActor(req);
    if (permission !== 'authenticated' && !roleCan(actor.role, permission)) {
      throw new Problem(403, 'permission_denied', '当前角色无权执行此操作');
    }
  });
}
