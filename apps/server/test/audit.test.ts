import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../src/modules/audit/audit.service.ts';
import { useCounty } from './setup-county.ts';

describe('audit: one business operation, one transaction, with its audit row in it', () => {
  const ctx = useCounty();
  const countAudit = async () =>
    Number((await ctx.t.db.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('writes who, what, before and after, with the request id', async () => {
    const qiao = await ctx.user('qiaoduan');
    const before = await countAudit();
    const res = await qiao.post(`/orgs/${ctx.county.orgs.qiaoGroup.id}/memberships`, {
      memberId: ctx.county.members.qiaoPowerChief,
      role: 'member',
      startOn: '2020-05-19',
      linkReason: '清单第3项：跳闸',
    });
    expect(res.statusCode).toBe(201);
    expect(await countAudit()).toBe(before + 1);
    const auditor = await ctx.user('auditor');
    const events = (await auditor.get(`/audit-events?entityId=${res.json().id}`)).json();
    expect(events.items[0]).toMatchObject({ action: 'membership.create', entityType: 'membership' });
    expect(events.items[0].after.link_reason).toBe('清单第3项：跳闸');
    expect(events.items[0].requestId).toBeTruthy();
  });

  it('a refused operation leaves neither a change nor an audit row', async () => {
    const qiao = await ctx.user('qiaoduan');
    const before = await countAudit();
    const res = await qiao.post(`/orgs/${ctx.county.orgs.qiaoGroup.id}/memberships`, {
      memberId: ctx.county.members.qiaoElectrician,
      role: 'member',
      startOn: '2020-05-19',
      linkReason: 'x',
    });
    expect(res.statusCode).toBe(409);
    expect(await countAudit()).toBe(before);
  });

  it('dissolution is all or nothing: a blocked dissolution changes no membership', async () => {
    const qiao = await ctx.user('qiaoduan');
    const gb = (await qiao.get(`/orgs/${ctx.county.orgs.qiaoGb.id}`)).json();
    const res = await qiao.post(`/orgs/${gb.id}/dissolve`, { dissolvedOn: '2021-01-01', reason: 'x', version: gb.version });
    expect(res.json().code).toBe('children_not_dissolved');
    const open = await ctx.t.db.db.selectFrom('memberships').select('id').where('end_on', 'is not', null).execute();
    expect(open).toHaveLength(0);
  });

  it('the hash chain verifies, and detects a tampered row', async () => {
    const qiao = await ctx.user('qiaoduan');
    await qiao.patch(`/orgs/${ctx.county.orgs.qiaoBranch.id}`, { version: 1, mission: '一' });
    await qiao.patch(`/orgs/${ctx.county.orgs.qiaoBranch.id}`, { version: 2, mission: '二' });
    const auditor = await ctx.user('auditor');
    const ok = (await auditor.get('/audit/verify')).json();
    expect(ok.ok).toBe(true);
    expect(ok.count).toBeGreaterThanOrEqual(2);
    const target = await ctx.t.db.db.selectFrom('audit_events').select('seq').where('action', '=', 'org.update').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    // The application cannot rewrite the trail: a trigger refuses UPDATE and DELETE.
    await expect(ctx.t.db.db.updateTable('audit_events').set({ after_json: '{}' }).where('seq', '=', target.seq).execute()).rejects.toThrow(/append-only/);
    await expect(ctx.t.db.db.deleteFrom('audit_events').where('seq', '=', target.seq).execute()).rejects.toThrow(/append-only/);
    // Someone with the database owner's rights removes the trigger and edits a row: the chain still shows where.
    if (ctx.t.db.dialect === 'postgres') await sql`alter table audit_events disable trigger all`.execute(ctx.t.db.db);
    else await sql`drop trigger audit_events_no_update`.execute(ctx.t.db.db);
    await ctx.t.db.db.updateTable('audit_events').set({ after_json: '{"mission":"篡改"}' }).where('seq', '=', target.seq).execute();
    const broken = await verifyAuditChain(ctx.t.db.db);
    expect(broken.ok).toBe(false);
    expect(broken.brokenAt).toBe(Number(target.seq));
  });
});
