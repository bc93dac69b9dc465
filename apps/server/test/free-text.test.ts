import { describe, expect, it } from 'vitest';
import { idCheckChar } from '../src/lib/identity.ts';
import { registerHousehold } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

const idNumber = `41132119851111333${idCheckChar('41132119851111333')}`;

describe('numbers typed into free text never reach the database or the trail in clear', () => {
  const ctx = useCounty();

  it('a problem found on a visit, its findings and the measures agreed keep no phone or ID number in clear, however written', async () => {
    const qiao = await ctx.user('qiaoduan');
    const h = await registerHousehold(qiao);
    await qiao.post(`/households/${h}/helpers`, {
      memberId: ctx.county.members.qiaoOther,
      role: 'cadre',
      primary: true,
      reason: '结对',
      startOn: '2020-01-01',
    });
    const visit = await qiao.post(`/households/${h}/visits`, {
      visitedOn: '2020-06-01',
      helperIds: [ctx.county.members.qiaoOther],
      findings: `户主电话 +86 150-1234-5672，身份证 ${idNumber}`,
      measuresAgreed: '联系电工 0086 139 1234 5678',
      problem: {
        category: 'electricity',
        description: `线路老化，电工电话 13812345671，户主身份证 ${idNumber.slice(0, 6)} ${idNumber.slice(6, 14)} ${idNumber.slice(14)}`,
      },
    });
    expect(visit.statusCode, visit.body).toBe(201);
    const db = ctx.t.db.db;
    const stored = JSON.stringify([
      await db.selectFrom('visits').select(['findings', 'measures_agreed']).execute(),
      await db.selectFrom('reports').select('description').execute(),
      await db.selectFrom('audit_events').select(['before_json', 'after_json']).execute(),
    ]);
    for (const clear of [
      '15012345672',
      '150-1234-5672',
      '13912345678',
      '139 1234 5678',
      '13812345671',
      idNumber,
      idNumber.slice(6, 14),
    ]) {
      expect(stored, clear).not.toContain(clear);
    }
    expect(stored).toContain('150****5672');
  });

  it('a client’s X-Request-Id holding a run of digits is not kept: the trail and the log keep only tags', async () => {
    const report = (requestId: string, description: string) =>
      ctx.t.app.inject({
        method: 'POST',
        url: '/api/v1/public/reports',
        headers: { 'x-request-id': requestId },
        payload: { regionCode: '411321106200', category: 'roads', description },
      });
    expect((await report('411321197003121113_13912345670', '路灯坏了')).statusCode).toBe(201);
    expect((await report('tag-139-1234-5670', '路灯还是坏的')).statusCode).toBe(201);
    expect((await report('tag_139_1234_5670', '路灯一直坏')).statusCode).toBe(201);
    expect((await report('client-tag-0001', '路灯又坏了')).statusCode).toBe(201);
    const rows = await ctx.t.db.db
      .selectFrom('audit_events')
      .select('client_request_id')
      .where('action', '=', 'report.create')
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => r.client_request_id)).toEqual([null, null, null, 'client-tag-0001']);
  });
});
