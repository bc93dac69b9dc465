import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { KEYED_LINK, canonical } from './audit-fixtures.ts';
import { PASSWORD } from './factories.ts';
import { login, sessionHeaders } from './helpers.ts';
import { useCounty } from './setup-county.ts';

describe('audit: one business operation, one transaction, with its audit row in it', () => {
  const ctx = useCounty();
  const countAudit = async () =>
    Number(
      (
        await ctx.t.db.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

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
    const res = await qiao.post(`/orgs/${gb.id}/dissolve`, {
      dissolvedOn: '2021-01-01',
      backdateReason: '补录',
      reason: 'x',
      version: gb.version,
    });
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
    const target = await ctx.t.db.db
      .selectFrom('audit_events')
      .select('seq')
      .where('action', '=', 'org.update')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    // The application cannot rewrite the trail: a trigger refuses UPDATE and DELETE.
    await expect(
      ctx.t.db.db.updateTable('audit_events').set({ after_json: '{}' }).where('seq', '=', target.seq).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(ctx.t.db.db.deleteFrom('audit_events').where('seq', '=', target.seq).execute()).rejects.toThrow(
      /append-only/,
    );
    // Someone with the database owner's rights removes the trigger and edits a row: the chain still shows where.
    if (ctx.t.db.dialect === 'postgres') await sql`alter table audit_events disable trigger all`.execute(ctx.t.db.db);
    else await sql`drop trigger audit_events_no_update`.execute(ctx.t.db.db);
    await ctx.t.db.db
      .updateTable('audit_events')
      .set({ after_json: '{"mission":"篡改"}' })
      .where('seq', '=', target.seq)
      .execute();
    const broken = await ctx.t.app.auditTrail.verify(ctx.t.db.db);
    expect(broken.ok).toBe(false);
    expect(broken.brokenAt).toBe(Number(target.seq));

    // Rewriting the rest of the chain does not help without the key: the hashes are HMAC-SHA-256 (audit-chain.test.ts
    // tries every other form).
    const rows = await ctx.t.db.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', target.seq)
      .orderBy('seq')
      .execute();
    let prev = rows[0]?.prev_hash as string;
    for (const r of rows) {
      const forged = createHash('sha256').update(canonical(prev, r)).digest('hex');
      await ctx.t.db.db
        .updateTable('audit_events')
        .set({ prev_hash: prev, hash: forged })
        .where('seq', '=', r.seq)
        .execute();
      prev = forged;
    }
    expect(rows[0]?.hash).toMatch(KEYED_LINK);
    const forgedChain = await ctx.t.app.auditTrail.verify(ctx.t.db.db);
    expect(forgedChain.brokenAt).toBe(Number(target.seq));
  });
});

describe("request ids: the server's own in the trail, the client's kept apart", () => {
  const ctx = useCounty();
  const CLIENT_ID = 'client-chosen-0001';

  it("the server makes every request id; a client's X-Request-Id is kept as client_request_id, shown to the auditor and covered by the chain", async () => {
    const cookie = await login(ctx.t.app, 'qiaoduan', PASSWORD);
    const patch = (version: number, mission: string, requestId = CLIENT_ID) =>
      ctx.t.app.inject({
        method: 'PATCH',
        url: `/api/v1/orgs/${ctx.county.orgs.qiaoBranch.id}`,
        headers: { ...sessionHeaders(cookie), 'x-request-id': requestId },
        payload: { version, mission },
      });
    expect((await patch(1, '一')).statusCode).toBe(204);
    expect((await patch(2, '二')).statusCode).toBe(204);
    // Not of the accepted form (spaces): not kept at all.
    expect((await patch(3, '三', 'not an id at all')).statusCode).toBe(204);
    const stale = await patch(1, '四');
    expect(stale.statusCode).toBe(409);
    expect(stale.json().requestId).not.toBe(CLIENT_ID);

    const db = ctx.t.db.db;
    const rows = (await db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'org.update')
      .orderBy('seq')
      .execute()) as unknown as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(3);
    expect(rows.map((r) => r.request_id)).not.toContain(CLIENT_ID);
    expect(rows.map((r) => r.client_request_id)).toEqual([CLIENT_ID, CLIENT_ID, null]);
    const auditor = await ctx.user('auditor');
    const shown = (await auditor.get('/audit-events?action=org.update')).json().items as {
      requestId: string;
      clientRequestId: string | null;
    }[];
    expect(shown.map((e) => [e.requestId === CLIENT_ID, e.clientRequestId])).toEqual([
      [false, null],
      [false, CLIENT_ID],
      [false, CLIENT_ID],
    ]);

    // The client's id is part of what the chain protects: changing it afterwards shows at that event.
    if (ctx.t.db.dialect === 'postgres') await sql`alter table audit_events disable trigger all`.execute(db);
    else await sql`drop trigger audit_events_no_update`.execute(db);
    const first = Number(rows[0]?.seq);
    await sql`update audit_events set client_request_id = ${'someone-else-0001'} where seq = ${first}`.execute(db);
    expect(await ctx.t.app.auditTrail.verify(db)).toMatchObject({ ok: false, brokenAt: first });
  });
});

describe('audit viewer and retention', () => {
  const ctx = useCounty();

  it('the auditor filters the trail by who, when, what and record, page by page', async () => {
    const qiao = await ctx.user('qiaoduan');
    await ctx.user('chengjiao');
    const created = await qiao.post(`/orgs/${ctx.county.orgs.qiaoGroup.id}/memberships`, {
      memberId: ctx.county.members.qiaoPowerChief,
      role: 'member',
      startOn: '2020-05-19',
      linkReason: '清单第3项：跳闸',
    });
    const auditor = await ctx.user('auditor');
    const byWho = (await auditor.get('/audit-events?username=qiaoduan')).json();
    expect(byWho.items.map((e: { action: string }) => e.action)).toEqual(['membership.create', 'auth.login']);
    expect(byWho.items.every((e: { username: string }) => e.username === 'qiaoduan')).toBe(true);
    const logins = (await auditor.get('/audit-events?action=auth.')).json();
    expect(logins.items.map((e: { username: string }) => e.username).sort()).toEqual([
      'auditor',
      'chengjiao',
      'qiaoduan',
    ]);
    expect((await auditor.get(`/audit-events?entityType=membership&entityId=${created.json().id}`)).json().total).toBe(
      1,
    );
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect((await auditor.get(`/audit-events?from=${today}&to=${today}`)).json().total).toBe(4);
    expect((await auditor.get('/audit-events?to=2020-01-01')).json().total).toBe(0);
    const first = (await auditor.get('/audit-events?limit=2')).json();
    const second = (await auditor.get(`/audit-events?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items[0].seq).toBeLessThan(first.items[1].seq);
  });

  it('retention: no route removes audit events and the database refuses to delete them', async () => {
    const routes = ctx.t.app.routeTable.filter((r) => /audit/.test(r.url));
    // Reading, verifying, and asking for an export of the trail (a download link, written with its own audit row).
    expect(routes.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'GET /api/v1/audit-events',
      'GET /api/v1/audit/exports/:id/file',
      'GET /api/v1/audit/verify',
      'POST /api/v1/audit/exports',
    ]);
    expect(ctx.t.app.routeTable.some((r) => r.method === 'DELETE')).toBe(false);
    await ctx.user('qiaoduan');
    await expect(sql`delete from audit_events`.execute(ctx.t.db.db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_events set action = 'x'`.execute(ctx.t.db.db)).rejects.toThrow(/append-only/);
  });
});
