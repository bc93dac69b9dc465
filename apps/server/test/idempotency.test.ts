import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idempotencyClaims } from '../src/lib/idempotency-claims.ts';
import { PASSWORD } from './factories.ts';
import { login, sessionHeaders } from './helpers.ts';
import { newIdNumber } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

describe('Idempotency-Key on creating POSTs', () => {
  const ctx = useCounty();
  const body = () => ({
    memberId: ctx.county.members.qiaoPowerChief,
    role: 'member',
    startOn: '2020-05-19',
    linkReason: '清单第3项',
  });
  const post = async (key: string, payload: unknown) =>
    (await ctx.user('qiaoduan')).post(`/orgs/${ctx.county.orgs.qiaoGroup.id}/memberships`, payload, {
      'idempotency-key': key,
    });

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
    const stored = await ctx.t.db.db
      .selectFrom('reports')
      .select(['id', 'description'])
      .where('description', 'like', '双击第%')
      .execute();
    const idOf = new Map(stored.map((r) => [r.description, r.id]));
    expect(stored).toHaveLength(pairs.length);
    // No key answers "in progress" for ever: each replays the receipt of its one report.
    expect(
      replays.map((r, i) =>
        r.statusCode === 201 && r.json().id === idOf.get(`双击第${i}次`)
          ? 'receipt'
          : `${r.statusCode} ${r.json().code}`,
      ),
    ).toEqual(pairs.map(() => 'receipt'));
    // The second tap, whether it came before or during the first one's transaction, learns the same tracking code.
    expect(
      taps.map(([a, b]) =>
        a.statusCode === 201 && b.statusCode === 201 && a.json().trackingCode === b.json().trackingCode
          ? 'same'
          : `${a.statusCode}/${b.statusCode} ${b.json().code ?? a.json().code}`,
      ),
    ).toEqual(pairs.map(() => 'same'));
  });

  it("an anonymous caller's Idempotency-Key is bound to its address: another client replaying the same key and body gets a report of its own, never the first one's tracking code", async () => {
    const report = { regionCode: '411321106200', category: 'electricity', description: '路灯坏了，钥匙被人看到' };
    const from = (remoteAddress: string) =>
      ctx.t.app.inject({
        method: 'POST',
        url: '/api/v1/public/reports',
        remoteAddress,
        headers: { 'idempotency-key': 'resident-form-1' },
        payload: report,
      });
    const first = await from('203.0.113.7');
    expect(first.statusCode).toBe(201);
    const retry = await from('203.0.113.7');
    expect([retry.statusCode, retry.headers['idempotent-replayed'], retry.json().trackingCode]).toEqual([
      201,
      'true',
      first.json().trackingCode,
    ]);
    const other = await from('198.51.100.9');
    expect(other.statusCode).toBe(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.json().trackingCode).not.toBe(first.json().trackingCode);
    expect(
      await ctx.t.db.db.selectFrom('reports').select('id').where('description', '=', report.description).execute(),
    ).toHaveLength(2);
  });

  it('a stored reply keeps no secret in clear: the tracking code the server keeps only as a hash is not in the replay table either', async () => {
    const receipt = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/public/reports',
      headers: { 'idempotency-key': 'resident-form-2' },
      payload: { regionCode: '411321106200', category: 'roads', description: '桥面裂了' },
    });
    const code = receipt.json().trackingCode as string;
    const rows = await ctx.t.db.db
      .selectFrom('idempotency_keys')
      .select(['scope', 'body'])
      .where('key', '=', 'resident-form-2')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.body).not.toContain(code);
    expect(rows[0]?.body).not.toContain(code.replaceAll('-', ''));
    // Nor the client's address.
    expect(rows[0]?.scope).not.toContain('127.0.0.1');
  });

  it("a logged-in caller's Idempotency-Key is bound to the account: another user sending the same key and body gets a report of its own", async () => {
    const report = {
      source: 'visit',
      regionCode: '411321106200',
      category: 'electricity',
      description: '两个账号同一个键',
    };
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
          await tx
            .insertInto('party_orgs')
            .values({ id: randomUUID(), name, kind: 'village_branch', region_code: '411321106200', unit_id: null })
            .execute();
          await ctx.t.app.auditTrail.record(
            tx,
            { userId: null, requestId },
            { action: 'party_org.create', entityType: 'party_org', entityId: name },
          );
        });
      await change('request-a', '甲支部');
      await expect(change('request-b', '乙支部')).rejects.toMatchObject({
        status: 409,
        code: 'idempotency_in_progress',
      });
      const names = (
        await db.selectFrom('party_orgs').select('name').where('name', 'in', ['甲支部', '乙支部']).execute()
      ).map((r) => r.name);
      expect(names).toEqual(['甲支部']);
      expect(
        await db.selectFrom('idempotency_keys').select('status').where('key', '=', 'same-moment-1').execute(),
      ).toEqual([{ status: 0 }]);
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
    await ctx.t.db.db
      .updateTable('idempotency_keys')
      .set({ status: 0, body: null, created_at: new Date(Date.now() - 120_000).toISOString() })
      .where('key', '=', 'reply-lost-1')
      .execute();
    const retry = await qiao.post('/reports', report, { 'idempotency-key': 'reply-lost-1' });
    expect([retry.statusCode, retry.json().code]).toEqual([409, 'idempotency_reply_lost']);
    expect(
      await ctx.t.db.db.selectFrom('reports').select('id').where('description', '=', '回执丢失').execute(),
    ).toHaveLength(1);
  });
});

/**
 * A double tap whose second request lost the race before it reached the key's claim: it ran the route's own checks
 * after the first had committed, and they refuse what the first one just did (the person is registered now, the
 * member is in the organization now). It answers with the first one's reply, as a later replay does.
 */
describe('a double tap refused by a business check answers with the first tap’s reply', () => {
  const ctx = useCounty();
  const PAIRS = 30;

  /** Reply status and body, as the client got them over HTTP. */
  type Reply = { status: number; body: string; code: string | undefined };
  /**
   * Sends each pair's two taps at once over a listening server (every pair at the same moment, each request on a
   * connection of its own, as two taps of a phone), then a replay; the outcome per pair.
   */
  async function tapTwice<T>(items: T[], path: (item: T) => string, body: (item: T) => unknown) {
    const base = await ctx.t.app.listen({ port: 0, host: '127.0.0.1' });
    const headers = {
      ...sessionHeaders(await login(ctx.t.app, 'qiaoduan', PASSWORD)),
      'content-type': 'application/json',
    };
    const send = async (item: T, key: string): Promise<Reply> => {
      const res = await fetch(`${base}/api/v1${path(item)}`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': key },
        body: JSON.stringify(body(item)),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: text,
        code: res.status >= 400 ? (JSON.parse(text) as { code?: string }).code : undefined,
      };
    };
    const keys = items.map(() => `tap-${randomUUID()}`);
    const taps = await Promise.all(
      items.map((item, i) => Promise.all([send(item, keys[i] as string), send(item, keys[i] as string)])),
    );
    const replays = await Promise.all(items.map((item, i) => send(item, keys[i] as string)));
    return taps.map(([a, b], i) => {
      const replay = replays[i] as Reply;
      const same =
        a.status === 201 && b.status === 201 && replay.status === 201 && a.body === b.body && b.body === replay.body;
      return same ? 'one reply' : `${a.status} ${a.code ?? ''} / ${b.status} ${b.code ?? ''} / replay ${replay.status}`;
    });
  }

  it('registering a household: of two taps with one Idempotency-Key, the one refused person_already_registered answers the 201 of the one that registered it', async () => {
    const households = Array.from({ length: PAIRS }, (_, i) => ({
      regionCode: '411321106200',
      address: `穆老庄村${i}组`,
      primaryCause: 'illness',
      secondaryCauses: [],
      income: { wages: 9000, business: 0, transfer: 0, property: 0 },
      waterSafe: true,
      people: [
        {
          name: '赵大山',
          relationship: '户主',
          gender: 'male',
          idNumber: newIdNumber(1960),
          health: 'healthy',
          labour: 'normal',
        },
      ],
    }));
    const outcomes = await tapTwice(
      households,
      () => '/households',
      (h) => h,
    );
    expect(outcomes).toEqual(Array(PAIRS).fill('one reply'));
    const made = await ctx.t.db.db
      .selectFrom('households')
      .select('id')
      .where('address', 'like', '穆老庄村%组')
      .where('address', '!=', '穆老庄村一组')
      .execute();
    expect(made).toHaveLength(PAIRS);
  });

  it('linking a member: of two taps with one Idempotency-Key, the one refused already_member answers the 201 of the one that linked the member', async () => {
    const now = new Date().toISOString();
    // More pairs than for households: the membership check sits later in its transaction, so fewer second taps
    // reach it only after the first has committed.
    const pairs = 3 * PAIRS;
    const memberIds = Array.from({ length: pairs }, () => randomUUID());
    for (const [i, id] of memberIds.entries()) {
      await ctx.t.db.db
        .insertInto('members')
        .values({
          id,
          name: `党员${i}`,
          name_initials: 'dy',
          name_pinyin: 'dangyuan',
          gender: 'male',
          party_status: 'full',
          home_party_org_id: ctx.county.partyOrgs.qiaoPowerBranch,
          unit_id: ctx.county.units.qiaoPower,
          region_code: '411321106',
          title: null,
          version: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    const group = ctx.county.orgs.qiaoGroup.id;
    const outcomes = await tapTwice(
      memberIds,
      () => `/orgs/${group}/memberships`,
      (memberId) => ({ memberId, role: 'member', startOn: '2020-05-19', linkReason: '双击' }),
    );
    expect(outcomes).toEqual(Array(pairs).fill('one reply'));
    const linked = await ctx.t.db.db
      .selectFrom('memberships')
      .select('member_id')
      .where('org_id', '=', group)
      .where('member_id', 'in', memberIds)
      .execute();
    expect(linked).toHaveLength(pairs);
  });
});
