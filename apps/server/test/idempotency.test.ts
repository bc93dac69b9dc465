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

  it('the claim commits with the change: of two requests that got that far with one key, the second is rolled back', async () => {
    const db = ctx.t.db.db;
    const claim = { scope: 'public', key: 'same-moment-1', hash: 'h', createdAt: new Date().toISOString() };
    idempotencyClaims.open('request-a', claim);
    idempotencyClaims.open('request-b', claim);
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

  it('a change whose reply was lost (a crash between the two) is never done again', async () => {
    const qiao = await ctx.user('qiaoduan');
    const report = { source: 'visit', regionCode: '411321106200', category: 'electricity', description: '回执丢失' };
    const first = await qiao.post('/reports', report, { 'idempotency-key': 'reply-lost-1' });
    expect(first.statusCode).toBe(201);
    // As a crash would leave it: the change and its claim committed, the reply never recorded.
    await ctx.t.db.db.updateTable('idempotency_keys').set({ status: 0, body: null, created_at: new Date(Date.now() - 120_000).toISOString() }).where('key', '=', 'reply-lost-1').execute();
    const retry = await qiao.post('/reports', report, { 'idempotency-key': 'reply-lost-1' });
    expect([retry.statusCode, retry.json().code]).toEqual([409, 'idempotency_reply_lost']);
    expect(await ctx.t.db.db.selectFrom('reports').select('id').where('description', '=', '回执丢失').execute()).toHaveLength(1);
  });
});
