import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import { registerAuth } from '../src/plugins/auth.ts';
import { useCounty } from './setup-county.ts';

describe('HTTP conventions', () => {
  const ctx = useCounty();

  it('health names the database', async () => {
    const res = await ctx.t.app.inject({ url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', db: ctx.t.db.dialect });
  });

  it('serves an OpenAPI 3.1 document with named schemas', async () => {
    const doc = (await ctx.t.app.inject({ url: '/api/v1/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['OrgSummary', 'Membership', 'Problem', 'Member']),
    );
    expect(doc.paths['/api/v1/orgs'].get).toBeDefined();
  });

  it('every API route declares a permission (deny by default)', async () => {
    const bare = Fastify();
    await bare.register(cookie);
    registerAuth(bare, ctx.t.db.db, { requireTotp: false, passwordMaxAgeDays: 0 }, new DataCipher(randomBytes(32)));
    expect(() => bare.get('/api/v1/undeclared', async () => 'open')).toThrow(/declares no permission/);
    expect(() => bare.get('/api/v1/declared', { config: { permission: 'orgs:read' } }, async () => 'ok')).not.toThrow();
    await bare.close();
  });

  it('rejects unknown fields and invalid values with problem+json field errors', async () => {
    const qiao = await ctx.user('qiaoduan');
    const res = await qiao.post(`/orgs/${ctx.county.orgs.qiaoBranch.id}/memberships`, {
      memberId: ctx.county.members.qiaoPowerChief,
      role: 'chairman',
      startOn: '2020-02-30',
      linkReason: '',
      extra: 1,
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(body.requestId).toBeTruthy();
    expect(body.errors.length).toBeGreaterThan(0);
    // Every message is for a reader: in Chinese, also where the schema does not word it (an unknown key, a wrong enum).
    for (const e of body.errors) expect(e.message, e.path).toMatch(/[\u4e00-\u9fff]/);
    expect(JSON.stringify(body)).not.toMatch(/select|insert|stack/i);
  });

  it('a stale version answers 409 version_conflict and changes nothing', async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = ctx.county.orgs.qiaoBranch.id;
    expect((await qiao.patch(`/orgs/${id}`, { version: 1, mission: '新的任务' })).statusCode).toBe(204);
    const stale = await qiao.patch(`/orgs/${id}`, { version: 1, mission: '覆盖别人的修改' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('version_conflict');
    expect((await qiao.get(`/orgs/${id}`)).json()).toMatchObject({ mission: '新的任务', version: 2 });
  });

  it('paginates with a cursor and reports the total', async () => {
    const admin = await ctx.user('admin');
    const first = (await admin.get('/orgs?limit=3')).json();
    expect(first.items).toHaveLength(3);
    expect(first.total).toBe(8);
    const second = (await admin.get(`/orgs?limit=3&cursor=${first.nextCursor}`)).json();
    const third = (await admin.get(`/orgs?limit=3&cursor=${second.nextCursor}`)).json();
    expect(third.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items, ...third.items].map((o: { id: string }) => o.id);
    expect(new Set(ids).size).toBe(8);
    expect((await admin.get('/orgs?cursor=garbage')).json().code).toBe('invalid_cursor');
  });

  it('filters organizations by level, kind, parent, region and status', async () => {
    const admin = await ctx.user('admin');
    const { orgs } = ctx.county;
    expect((await admin.get('/orgs?level=branch')).json().total).toBe(3);
    expect((await admin.get('/orgs?kind=special')).json().items[0].name).toBe('县酵素产业临时党支部');
    expect((await admin.get(`/orgs?parentId=${orgs.committee.id}`)).json().total).toBe(3);
    expect((await admin.get('/orgs?regionId=411321300')).json().total).toBe(3);
    expect((await admin.get('/orgs?status=dissolved')).json().total).toBe(0);
  });

  it('finds members by pinyin initials, unit and skill', async () => {
    const admin = await ctx.user('admin');
    const { units } = ctx.county;
    expect((await admin.get('/members?q=zw')).json().items.map((m: { name: string }) => m.name)).toEqual(['张伟']);
    expect((await admin.get('/members?q=lidian')).json().items.map((m: { name: string }) => m.name)).toEqual([
      '李电明',
    ]);
    expect((await admin.get(`/members?unitId=${units.qiaoPower}`)).json().total).toBe(3);
    const electric = (await admin.get('/members?skill=electricity&partyStatus=full')).json();
    expect(electric.items.map((m: { name: string }) => m.name)).toEqual(['李电明']);
  });

  it('login fails the same way for an unknown user and a wrong password', async () => {
    const a = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'nobody', password: 'x' },
    });
    const b = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'wrong' },
    });
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json().code).toBe(b.json().code);
    expect(a.json().detail).toBe(b.json().detail);
  });

  it('logout destroys the server-side session', async () => {
    const admin = await ctx.user('admin');
    expect((await admin.get('/auth/me')).json().role).toBe('county_admin');
    await admin.post('/auth/logout', undefined);
    expect((await admin.get('/auth/me')).statusCode).toBe(401);
  });

  it('sets an HttpOnly SameSite session cookie', async () => {
    const res = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'Test-Password-2020' },
    });
    const cookie = res.cookies.find((c) => c.name === 'lj_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
  });
});
