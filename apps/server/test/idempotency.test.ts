import { describe, expect, it } from 'vitest';
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
});
