import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { checkDurability, createDb } from '../src/db/index.ts';
import { PASSWORD } from './factories.ts';
import { loadConfig } from '../src/lib/config.ts';
import { login as signIn, sessionHeaders, testApp } from './helpers.ts';
import { useCounty } from './setup-county.ts';

/** The routes anyone may call without an account: login, the resident page, health, the notice boards. */
const PUBLIC = [
  'GET /api/v1/health',
  'GET /api/v1/openapi.json',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'GET /api/v1/public/regions',
  'GET /api/v1/public/villages/:code/board',
  'POST /api/v1/public/reports',
  'GET /api/v1/public/reports/:trackingCode',
  'GET /api/v1/public/reports/:trackingCode/photos/:photoId',
  'POST /api/v1/public/reports/:trackingCode/feedback',
  'POST /api/v1/public/reports/:trackingCode/rating',
  'POST /api/v1/public/reports/:trackingCode/phone-code',
  'POST /api/v1/public/reports/:trackingCode/sms-opt-out',
  'POST /api/v1/public/sms/replies/:token',
  'GET /api/v1/public/signing-keys',
];

describe('GB/T 22239 level 3: identity and authorization', () => {
  const ctx = useCounty();
  const login = (username: string, password: string) =>
    ctx.t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

  it('deny by default: every route declares a permission, and only the allowlisted ones are public', async () => {
    const table = ctx.t.app.routeTable;
    expect(table.length).toBeGreaterThan(100);
    expect(table.filter((r) => !r.permission)).toEqual([]);
    expect(
      table
        .filter((r) => r.permission === 'public')
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual([...PUBLIC].sort());
    // Without a session, every other route answers 401.
    for (const r of table.filter((x) => x.permission !== 'public' && x.method === 'GET' && !x.url.includes(':'))) {
      expect((await ctx.t.app.inject({ method: 'GET', url: r.url })).statusCode, r.url).toBe(401);
    }
  });

  it('five failed logins lock the account for 15 minutes, audited; an unknown user is answered like a wrong password', async () => {
    const wrong = await login('qiaoduan', 'Wrong-Password-1');
    const unknown = await login('nobody-here', 'Wrong-Password-1');
    const strip = (b: { requestId?: string }) => ({ ...b, requestId: undefined });
    expect(unknown.statusCode).toBe(wrong.statusCode);
    expect(strip(unknown.json())).toEqual(strip(wrong.json()));
    for (let i = 0; i < 4; i++) expect((await login('qiaoduan', 'Wrong-Password-1')).statusCode).toBe(401);
    // Locked now: even the right password is refused, with the same answer.
    const locked = await login('qiaoduan', PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(strip(locked.json())).toEqual(strip(wrong.json()));
    const db = ctx.t.db.db;
    const audit = await db
      .selectFrom('audit_events')
      .select(['action'])
      .where('action', 'in', ['auth.failure', 'auth.lockout'])
      .orderBy('seq')
      .execute();
    expect(audit.filter((a) => a.action === 'auth.lockout')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'auth.failure')).toHaveLength(7);
    const user = await db
      .selectFrom('users')
      .select(['locked_until'])
      .where('username', '=', 'qiaoduan')
      .executeTakeFirstOrThrow();
    const minutes = (Date.parse(user.locked_until as string) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    // Fifteen minutes later (moved back in the database), the right password works and the counter starts again.
    await db
      .updateTable('users')
      .set({ locked_until: new Date(Date.now() - 1000).toISOString() })
      .where('username', '=', 'qiaoduan')
      .execute();
    expect((await login('qiaoduan', PASSWORD)).statusCode).toBe(200);
    const after = await db
      .selectFrom('users')
      .select(['failed_logins', 'locked_until'])
      .where('username', '=', 'qiaoduan')
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ failed_logins: 0, locked_until: null });
  });

  it('every reply carries the security headers, errors included, and never a stack trace or SQL', async () => {
    for (const url of ['/api/v1/health', '/api/v1/households', '/api/v1/nothing-here']) {
      const res = await ctx.t.app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(String(res.headers['content-security-policy']), url).toContain("frame-ancestors 'none'");
      expect(res.headers['referrer-policy'], url).toBeTruthy();
      expect(res.body).not.toMatch(/at .*\.ts:\d+|select .* from/i);
    }
  });

  it('sessions end on the server: 30 minutes idle, 8 hours in all, at logout, and at once when the user is disabled', async () => {
    const db = ctx.t.db.db;
    const cookieOf = (res: Awaited<ReturnType<typeof login>>) =>
      `lj_session=${res.cookies.find((c) => c.name === 'lj_session')?.value}; lj_csrf=${res.cookies.find((c) => c.name === 'lj_csrf')?.value}`;
    const me = (cookie: string) =>
      ctx.t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: sessionHeaders(cookie) });
    const first = cookieOf(await login('qiaoduan', PASSWORD));
    const second = cookieOf(await login('qiaoduan', PASSWORD));
    // A new session id at each login.
    expect(second).not.toBe(first);
    expect((await me(first)).statusCode).toBe(200);
    const sessions = async () =>
      db
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .select('s.id')
        .where('u.username', '=', 'qiaoduan')
        .execute();
    expect(await sessions()).toHaveLength(2);
    // Idle for 31 minutes: gone.
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - 31 * 60_000).toISOString() })
      .execute();
    expect((await me(first)).statusCode).toBe(401);
    expect((await me(second)).statusCode).toBe(401);
    expect(await sessions()).toHaveLength(0);
    // Past the absolute limit, however active.
    const third = cookieOf(await login('qiaoduan', PASSWORD));
    await db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    expect((await me(third)).statusCode).toBe(401);
    // Logout destroys the session: the same cookie no longer works.
    const fourth = cookieOf(await login('qiaoduan', PASSWORD));
    expect(
      (await ctx.t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: sessionHeaders(fourth) }))
        .statusCode,
    ).toBe(204);
    expect((await me(fourth)).statusCode).toBe(401);
    // Disabling the user ends their access at once.
    const fifth = cookieOf(await login('qiaoduan', PASSWORD));
    expect((await me(fifth)).statusCode).toBe(200);
    await db.updateTable('users').set({ active: 0 }).where('username', '=', 'qiaoduan').execute();
    expect((await me(fifth)).statusCode).toBe(401);
    expect((await login('qiaoduan', PASSWORD)).statusCode).toBe(401);
  });

  it('API docs are off in production unless enabled; bodies over the limit answer 413 without reaching a handler', async () => {
    expect(loadConfig({ NODE_ENV: 'production' }).apiDocs).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', API_DOCS: '1' }).apiDocs).toBe(true);
    expect(loadConfig({}).apiDocs).toBe(true);
    const prod = await testApp(undefined, undefined, { apiDocs: false });
    try {
      expect((await prod.app.inject({ url: '/api/docs' })).statusCode).toBe(404);
      expect((await prod.app.inject({ url: '/api/v1/openapi.json' })).statusCode).toBe(404);
    } finally {
      await prod.close();
    }
    const qiao = await ctx.user('qiaoduan');
    const huge = await qiao.post(`/orgs/${ctx.county.orgs.qiaoBranch.id}/memberships`, {
      memberId: ctx.county.members.qiaoPowerChief,
      startOn: '2020-05-19',
      linkReason: 'x'.repeat(1_100_000),
    });
    // With photos (three of 2 MB, base64) a report may be larger, and is bounded all the same.
    const photos = Array.from({ length: 4 }, () => ({ dataBase64: 'A'.repeat(2_800_000) }));
    const tooMany = await qiao.post('/reports', {
      source: 'visit',
      regionCode: '411321106200',
      category: 'electricity',
      description: '照片过大',
      photos,
    });
    expect(tooMany.statusCode).toBe(413);
    expect([huge.statusCode, huge.json().code]).toEqual([413, expect.any(String)]);
    expect(String(huge.headers['content-type'])).toContain('application/problem+json');
  });

  it('API replies are never stored by browsers or proxies (they carry personal data)', async () => {
    const qiao = await ctx.user('qiaoduan');
    for (const res of [
      await qiao.get('/households'),
      await qiao.get('/nothing-here'),
      await ctx.t.app.inject({ method: 'GET', url: '/api/v1/health' }),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('separation of duties: the administrator cannot read the audit trail; the auditor reads it and changes nothing', async () => {
    const admin = await ctx.user('admin');
    const auditor = await ctx.user('auditor');
    expect((await admin.get('/audit-events')).statusCode).toBe(403);
    expect((await admin.get('/audit/verify')).statusCode).toBe(403);
    expect((await auditor.get('/audit-events')).statusCode).toBe(200);
    // Every change the auditor could try is refused (403) before it reaches a service.
    const cookie = await signIn(ctx.t.app, 'auditor', PASSWORD);
    // (The refusal route for recruiting, disciplining and dues changes nothing for anyone: it answers 403 or 404.
    // The auditor's one act is the second signature on an administrator account's request: dual control. Asking for
    // an export of the trail changes no record: it grants the auditor a download link, audited.)
    const changes = ctx.t.app.routeTable.filter(
      (x) =>
        x.method !== 'GET' &&
        x.permission !== 'public' &&
        x.permission !== 'authenticated' &&
        x.url !== '/api/v1/orgs/:id/:action' &&
        x.url !== '/api/v1/account-requests/:id/transitions' &&
        x.url !== '/api/v1/audit/exports',
    );
    expect(changes.length).toBeGreaterThan(50);
    for (const r of changes) {
      const url = r.url.replace(/:[a-zA-Z]+/g, '00000000-0000-4000-8000-000000000000');
      const res = await ctx.t.app.inject({
        method: r.method as 'POST',
        url,
        headers: sessionHeaders(cookie),
        payload: {},
      });
      expect([r.method, r.url, res.statusCode]).toEqual([r.method, r.url, 403]);
    }
    const { ROLE_PERMISSIONS } = await import('@lianjian/shared');
    expect(
      ROLE_PERMISSIONS.auditor.filter(
        (p) => p.endsWith(':write') || p.endsWith(':acknowledge') || p.endsWith(':unmask') || p.endsWith(':reopen'),
      ),
    ).toEqual([]);
    expect(ROLE_PERMISSIONS.county_admin).not.toContain('audit:read');
  });

  it('SQLite runs with WAL, synchronous=FULL, foreign keys on and a busy timeout, checked at start-up; write transactions begin IMMEDIATE', async () => {
    // On PostgreSQL the same start-up check reads the server's durability settings.
    if (ctx.t.db.dialect === 'postgres')
      await expect(checkDurability(ctx.t.db)).resolves.toMatchObject({ fsync: 'on' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-pragma-'));
    const file = path.join(dir, 'x.db');
    const handle = createDb(`sqlite:${file}`);
    try {
      await expect(checkDurability(handle)).resolves.toMatchObject({ journal_mode: 'wal', synchronous: 2 });
      await sql`create table t (x integer)`.execute(handle.db);
      // Inside a transaction that has only read so far, another connection already cannot take the write lock.
      const other = new SQLite(file, { timeout: 0 });
      await handle.db.transaction().execute(async (tx) => {
        await sql`select count(*) from t`.execute(tx);
        expect(() => other.exec('begin immediate')).toThrow(/locked|busy/i);
      });
      other.exec('begin immediate');
      other.exec('rollback');
      other.close();
      await sql`pragma synchronous = NORMAL`.execute(handle.db);
      await expect(checkDurability(handle)).rejects.toThrow(/durability/);
      await sql`pragma synchronous = FULL`.execute(handle.db);
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(handle.db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(2); // FULL
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(5000);
    } finally {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
