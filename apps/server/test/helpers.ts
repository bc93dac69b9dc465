import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { type AppOptions, buildApp } from '../src/app.ts';
import { type DbHandle, createDb, migrate } from '../src/db/index.ts';
import type { DataCipher } from '../src/lib/crypto.ts';
import { ScratchSpace } from '../src/lib/scratch.ts';

/**
 * A fresh, migrated database for one test. SQLite: in memory. PostgreSQL (DATABASE_URL=postgres://…):
 * a schema of its own in the given database, dropped afterwards — tests never share state.
 */
export async function freshDb(): Promise<DbHandle> {
  const url = process.env.DATABASE_URL;
  if (url?.startsWith('postgres')) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const handle = createDb(url, { pgSchema: schema });
    await migrate(handle.db, schema);
    return {
      ...handle,
      close: async () => {
        await sql`drop schema ${sql.id(schema)} cascade`.execute(handle.db);
        await handle.close();
      },
    };
  }
  const handle = createDb('sqlite::memory:');
  await migrate(handle.db);
  return handle;
}

export interface TestApp {
  app: FastifyInstance;
  db: DbHandle;
  /** The app's own data directory (its scratch files live in `scratch`), removed on close. */
  dataDir: string;
  close(): Promise<void>;
}

export async function testApp(
  handle?: DbHandle,
  cipher?: DataCipher,
  extra: Partial<AppOptions> = {},
): Promise<TestApp> {
  const db = handle ?? (await freshDb());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-data-'));
  const app = await buildApp({
    db,
    cipher,
    apiDocs: true,
    scratch: new ScratchSpace(path.join(dataDir, 'scratch')),
    ...extra,
  });
  const trail = auditTrailGuard(app, db);
  await app.ready();
  return {
    app,
    db,
    dataDir,
    close: async () => {
      await trail.settled();
      await app.close();
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      trail.assertHeld();
    },
  };
}

/**
 * Refused requests that are audited on purpose: a failed sign-in or password asked again (auth.failure, and the
 * lockout it may cause), a registration refused because the person is registered elsewhere (the probe is audited),
 * a wrong phone code of a resident.
 */
const AUDITED_REFUSALS = new Set([
  'auth.failure',
  'auth.lockout',
  'household.duplicate_attempt',
  'report.phone_code_failure',
]);

/**
 * Changes whose audit row is not written by the request itself: an upload accepted for the import job (202; the job's
 * row, under the same request id, comes when it finishes), and a search by ID number, a read sent as a POST so that
 * the number stays out of URLs.
 */
const NOT_AUDITED_BY_THE_REQUEST: Record<string, number[]> = {
  'POST /api/v1/household-imports': [202, 200],
  'POST /api/v1/households/search': [200],
};

/**
 * One business operation, one transaction, with its audit row in it: for every change any test makes through the
 * API, a success has written the trail under its request id and a refusal has written nothing but the refusals
 * audited on purpose. Checked after each response; a test file whose app saw a violation fails when it closes it.
 */
export function auditTrailGuard(app: FastifyInstance, db: DbHandle) {
  const violations: string[] = [];
  const pending: Promise<void>[] = [];
  app.addHook('onResponse', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || !req.url.startsWith('/api/v1/'))
      return;
    const route = `${req.method} ${req.routeOptions.url ?? req.url}`;
    // A replay answers with the change's stored reply: the change, and its row, were made by the first request.
    const replayed = reply.getHeader('idempotent-replayed') === 'true';
    const status = reply.statusCode;
    const check = (async () => {
      const rows = await db.db.selectFrom('audit_events').select('action').where('request_id', '=', req.id).execute();
      const unexpected = rows.filter((r) => !AUDITED_REFUSALS.has(r.action));
      const exempt = replayed || (NOT_AUDITED_BY_THE_REQUEST[route] ?? []).includes(status);
      // A success needs a row of its own: a refusal's row (a failed sign-in) is not the record of a change.
      if (status < 400 && unexpected.length === 0 && !exempt) {
        violations.push(`${route} → ${status} with no audit row`);
      }
      if (status >= 400 && unexpected.length) {
        violations.push(`${route} → ${status} refused, yet audited ${unexpected.map((r) => r.action).join(', ')}`);
      }
    })().catch((e: unknown) => {
      violations.push(`${route} → ${status}: the audit trail could not be read (${String(e)})`);
    });
    pending.push(check);
  });
  return {
    assertHeld() {
      if (violations.length)
        throw new Error(`the audit trail does not follow the changes:\n${[...new Set(violations)].join('\n')}`);
    },
    settled: () => Promise.all(pending),
  };
}

/** Logs in and returns the session cookie header for later requests. */
export async function login(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'lj_session');
  const csrf = res.cookies.find((c) => c.name === 'lj_csrf');
  if (!cookie || !csrf) throw new Error('no session cookie');
  return `lj_session=${cookie.value}; lj_csrf=${csrf.value}`;
}

/** The headers a browser page sends: the cookies, and the CSRF token read from its cookie. */
export function sessionHeaders(cookie: string): Record<string, string> {
  const csrf = /lj_csrf=([^;]+)/.exec(cookie)?.[1];
  return { cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) };
}

/** A small client bound to one logged-in user. */
export function as(app: FastifyInstance, cookie: string) {
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...sessionHeaders(cookie), ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  return {
    get: (url: string, headers?: Record<string, string>) => call('GET', url, undefined, headers),
    post: (url: string, payload: unknown, headers?: Record<string, string>) => call('POST', url, payload, headers),
    patch: (url: string, payload: unknown) => call('PATCH', url, payload),
    put: (url: string, payload: unknown) => call('PUT', url, payload),
    delete: (url: string) => call('DELETE', url),
  };
}
export type Client = ReturnType<typeof as>;

/** Asks for an export with a reason and downloads it through its link, as the screens do. */
export async function exported(
  client: Client,
  kind: string,
  params: Record<string, unknown>,
  reason = '年度核查',
): Promise<LightMyRequestResponse> {
  const grant = await client.post('/exports', { kind, params, reason });
  if (grant.statusCode !== 201) return grant;
  return client.get(grant.json().downloadUrl.replace('/api/v1', ''));
}

/** Every item of a paged list, following its cursors (200 a page): for a test that reads the whole list. */
export async function allItems<T = Record<string, unknown>>(client: Client, url: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await client.get(`${url}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    const page = res.json() as { items: T[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
