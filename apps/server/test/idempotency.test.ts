import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idempotencyClaims } from '../src/lib/idempotency-claims.ts';
import { recordAudit } from '../src/modules/audit/audit.service.ts';
import { useCounty } from './setup-county.ts';

describe('Idempotency-Key on creating POSTs', () => {
  const ctx = useCounty();
  const body = () => ({ memberId: ctx.county.members.qiaoPowerChief, role: 'member', startOn: '2020-05-19', linkReason: '清单第3项' });
  const post = async (key: string, payload: unknown) =>
    (await ctx.user('qiaoduan')).post(`/orgs/${ctx.county.orgs.qiaoGroup.id}/memberships`, payload, { 'idempotency-key': key });

  it('a replay returns the first response and creates nothing twice', async () => {
    const first = await post('link-item-3-attempt', body());
    expect(first.statusCode).toBe(201);
    const replay = await post('link-item-3-attempt', body());
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
    const rows = await ctx.t.db.db
      .selectFrom('memberships')
      .select('id')
      .where('org_id', '=', ctx.county.orgs.qiaoGroup.id)
      .where('member_id', '=', ctx.county.members.qiaoPowerChief)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('the same key with a different request is refused', async () => {
    expect((await post('key-reused-123', body())).statusCode).toBe(201);
    const other = await post('key-reused-123', { ...body(), linkReason: '别的原因' });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
  });

  it('a refused request is replayed as the same refusal', async () => {
    const refused = { ...body(), memberId: ctx.county.members.qiaoElectrician };
    const first = await post('refused-key-1', refused);
    expect(first.json().code).toBe('participant_cannot_be_member');
    const again = await post('refused-key-1', refused);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('participant_cannot_be_member');
  });

  it('a double-tap never poisons its key: of 100 identical pairs sent at once, each key makes one report, and both taps and every later replay get its receipt', async () => {
    const qiao = await ctx.user('qiaoduan');
    const pairs = Array.from({ length: 100 }, (_, i) => ({
      key: `double-tap-${i}`,
      report: { source: 'visit', regionCode: '411321106200', category: 'electricity', description: `双击第${i}次` },
    }));
    const send = (p: (typeof pairs)[number]) => qiao.post('/reports', p.report, { 'idempotency-key': p.key });
    const taps = await Promise.all(pairs.map((p) => Promise.all([send(p), send(p)])));
    const replays = await Promise.all(pairs.map(send));
    const stored = await ctx.t.db.db.selectFrom('reports').select(['id', 'description']).where('description', 'like', '双击第%').execute();
    const idOf = new Map(stored.map((r) => [r.description, r.id]));
    expect(stored).toHaveLength(pairs.length);
    // No key answers "in progress" for ever: each replays the receipt of its one report.
    expect(replays.map((r, i) => (r.statusCode === 201 && r.json().id === idOf.get(`双击第${i}次`) ? 'receipt' : `${r.statusCode} ${r.json().code}`))).toEqual(
      pairs.map(() => 'receipt'),
    );
    // The second tap, whether it came before or during the first one's transaction, learns the same tracking code.
    expect(taps.map(([a, b]) => (a.statusCode === 201 && b.statusCode === 201 && a.json().trackingCode === b.json().trackingCode ? 'same' : `${a.statusCode}/${b.statusCode} ${b.json().code ?? a.json().code}`))).toEqual(
      pairs.map(() => 'same'),
    );
  });

  it("an anonymous caller's Idempotency-Key is bound to its address: another client replaying the same key and body gets a report of its own, never the first one's tracking code", async () => {
    const report = { regionCode: '411321106200', category: 'electricity', description: '路灯坏了，钥匙被人看到' };
    const from = (remoteAddress: string) =>
      ctx.t.app.inject({ method: 'POST', url: '/api/v1/public/reports', remoteAddress, headers: { 'idempotency-key': 'resident-form-1' }, payload: report });
    const first = await from('203.0.113.7');
    expect(first.statusCode).toBe(201);
    const retry = await from('203.0.113.7');
    expect([retry.statusCode, retry.headers['idempotent-replayed'], retry.json().trackingCode]).toEqual([201, 'true', first.json().trackingCode]);
    const other = await from('198.51.100.9');
    expect(other.statusCode).toBe(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.json().trackingCode).not.toBe(first.json().trackingCode);
    expect(await ctx.t.db.db.selectFrom('reports').select('id').where('description', '=', report.description).execute()).toHaveLength(2);
  });

  it('a stored reply keeps no secret in clear: the tracking code the server keeps only as a hash is not in the replay table either', async () => {
    const receipt = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/public/reports',
      headers: { 'idempotency-key': 'resident-form-2' },
      payload: { regionCode: '411321106200', category: 'roads', description: '桥面裂了' },
    });
    const code = receipt.json().trackingCode as string;
    const rows = await ctx.t.db.db.selectFrom('idempotency_keys').select(['scope', 'body']).where('key', '=', 'resident-form-2').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.body).not.toContain(code);
    expect(rows[0]?.body).not.toContain(code.replaceAll('-', ''));
    // Nor the client's address.
    expect(rows[0]?.scope).not.toContain('127.0.0.1');
  });

  it("a logged-in caller's Idempotency-Key is bound to the account: another user sending the same key and body gets a report of its own", async () => {
    const report = { source: 'visit', regionCode: '411321106200', category: 'electricity', description: '两个账号同一个键' };
    const mine = await (await ctx.user('qiaoduan')).post('/reports', report, { 'idempotency-key': 'shared-key-1' });
    const theirs = await (await ctx.user('admin')).post('/reports', report, { 'idempotency-key': 'shared-key-1' });
    expect([mine.statusCode, theirs.statusCode, theirs.headers['idempotent-replayed']]).toEqual([201, 201, undefined]);
    expect(theirs.json().trackingCode).not.toBe(mine.json().trackingCode);
  });

  it('the claim commits with the change: of two requests that got that far with one key, the second is rolled back', async () => {
    const db = ctx.t.db.db;
    const claim = {
      scope: 'anon:test',
      key: 'same-moment-1',
      hash: 'h',
      createdAt: new Date().toISOString(),
      token: 'request-a',
      fixed: null,
      serialize: (_status: number, body: unknown) => JSON.stringify(body),
      seal: (body: string) => body,
    };
    idempotencyClaims.open('request-a', claim);
    idempotencyClaims.open('request-b', { ...claim, token: 'request-b' });
    try {
      const change = (requestId: string, name: string) =>
        db.transaction().execute(async (tx) => {
          await tx.insertInto('party_orgs').values({ id: randomUUID(), name, kind: 'village_branch', region_code: '411321106200', unit_id: null }).execute();
          await recordAudit(tx, { userId: null, requestId }, { action: 'party_org.create', entityType: 'party_org', entityId: name });
        });
      await change('request-a', '甲支部');
      await expect(change('request-b', '乙支部')).rejects.toMatchObject({ status: 409, code: 'idempotency_in_progress' });
      const names = (await db.selectFrom('party_orgs').select('name').where('name', 'in', ['甲支部', '乙支部']).execute()).map((r) => r.name);
      expect(names).toEqual(['甲支部']);
      expect(await db.selectFrom('idempotency_keys').select('status').where('key', '=', 'same-moment-1').execute()).toEqual([{ status: 0 }]);
    } finally {
      idempotencyClaims.close('request-a');
      idempotencyClaims.close('request-b');
    }
  });

  it('a claim committed without its reply is never done again: the retry is told the reply was lost', async () => {
    const qiao = await ctx.user('qiaoduan');
    const report = { source: 'visit', regionCode: '411321106200', category: 'electricity', description: '回执丢失' };
    const first = await qiao.post('/reports', report, { 'idempotency-key': 'reply-lost-1' });
    expect(first.statusCode).toBe(201);
    // As a route that left its reply until after the commit would leave it after a crash (every route now records its
    // reply with its change): the change and its claim committed, the reply never recorded.
    await ctx.t.db.db.updateTable('idempotency_keys').set({ status: 0, body: null, created_at: new Date(Date.now() - 120_000).toISOString() }).where('key', '=', 'reply-lost-1').execute();
    const retry = await qiao.post('/reports', report, { 'idempotency-key': 'reply-lost-1' });
    expect([retry.statusCode, retry.json().code]).toEqual([409, 'idempotency_reply_lost']);
    expect(await ctx.t.db.db.selectFrom('reports').select('id').where('description', '=', '回执丢失').execute()).toHaveLength(1);
  });
});
