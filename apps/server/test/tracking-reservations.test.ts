import { describe, expect, it } from 'vitest';
import { newTrackingCode } from '../src/lib/tracking.ts';
import { PASSWORD } from './factories.ts';
import { as, login } from './helpers.ts';
import { useCounty } from './setup-county.ts';

/**
 * Issue 25: a resident's report entered on a visit with no connection hands her the tracking code at once. The code
 * was reserved while online (a small pool per account); the report that uses it takes the reservation.
 */
describe('tracking codes reserved for reports entered offline', () => {
  const ctx = useCounty();
  const entry = (trackingCode: string, description: string) => ({
    source: 'visit',
    regionCode: '411321106200',
    category: 'water',
    description,
    trackingCode,
  });

  it('a code the account reserved becomes that report’s code, which the resident can follow; a second use is refused', async () => {
    const qiao = await ctx.user('qiaoduan');
    const reserved = await qiao.post('/reports/tracking-codes', { count: 3 });
    expect(reserved.statusCode, reserved.body).toBe(201);
    const codes = reserved.json().codes as { trackingCode: string; expiresAt: string }[];
    expect(codes).toHaveLength(3);
    expect(new Set(codes.map((c) => c.trackingCode)).size).toBe(3);
    const code = codes[0]?.trackingCode as string;

    const made = await qiao.post('/reports', entry(code, '入户时反映：水管漏水'));
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().trackingCode).toBe(code);
    const followed = await ctx.t.app.inject({ url: `/api/v1/public/reports/${code}` });
    expect([followed.statusCode, followed.json().description]).toEqual([200, '入户时反映：水管漏水']);

    const again = await qiao.post('/reports', entry(code, '同一个码再登记一次'));
    expect([again.statusCode, again.json().code]).toEqual([400, 'tracking_code_not_reserved']);
    // Typed in lower case without dashes it is the same code, and still used.
    const retyped = await qiao.post('/reports', entry(code.replace(/-/g, '').toLowerCase(), '换个写法再来'));
    expect(retyped.json().code).toBe('tracking_code_not_reserved');
  });

  it('a code reserved by another account, or never reserved, is refused; the reserving account can still use it', async () => {
    const qiao = await ctx.user('qiaoduan');
    const admin = await ctx.user('admin');
    const code = (await qiao.post('/reports/tracking-codes', { count: 1 })).json().codes[0].trackingCode as string;
    const stolen = await admin.post('/reports', entry(code, '用别人的码'));
    expect([stolen.statusCode, stolen.json().code]).toEqual([400, 'tracking_code_not_reserved']);
    const madeUp = await qiao.post('/reports', entry(newTrackingCode(), '编一个码'));
    expect(madeUp.json().code).toBe('tracking_code_not_reserved');
    const notACode = await qiao.post('/reports', entry('1234', '不是码'));
    expect(notACode.json().code).toBe('tracking_code_not_reserved');
    expect((await qiao.post('/reports', entry(code, '自己的码'))).statusCode).toBe(201);
  });

  it('the pool is small: at most 10 live codes per account; every reservation is audited', async () => {
    const qiao = await ctx.user('qiaoduan');
    expect((await qiao.post('/reports/tracking-codes', { count: 10 })).json().codes).toHaveLength(10);
    expect((await qiao.post('/reports/tracking-codes', { count: 5 })).json().codes).toHaveLength(0);
    expect((await qiao.post('/reports/tracking-codes', { count: 11 })).statusCode).toBe(400);
    const audit = (await (await ctx.user('auditor')).get('/audit-events?action=report.codes_reserve')).json();
    expect(audit.items).toHaveLength(2);
  });

  it('the pool holds under parallel requests: four at once leave at most 10 live codes', async () => {
    const qiao = await ctx.user('qiaoduan');
    const live = async () =>
      Number(
        (
          await ctx.t.db.db
            .selectFrom('tracking_code_reservations')
            .select((eb) => eb.fn.countAll<string | number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    // A few rounds, each from an empty pool: a race between the count and the insert shows in most of them.
    for (let round = 0; round < 4; round++) {
      await ctx.t.db.db.deleteFrom('tracking_code_reservations').execute();
      const replies = await Promise.all(
        Array.from({ length: 4 }, () => qiao.post('/reports/tracking-codes', { count: 10 })),
      );
      for (const r of replies) expect(r.statusCode, r.body).toBe(201);
      expect(replies.flatMap((r) => r.json().codes as unknown[])).toHaveLength(10);
      expect(await live()).toBe(10);
    }
  });

  it('signing out releases the session’s codes: the next session cannot use them; expired ones are deleted', async () => {
    const first = await login(ctx.t.app, 'qiaoduan', PASSWORD);
    const device = as(ctx.t.app, first);
    const code = (await device.post('/reports/tracking-codes', { count: 2 })).json().codes[0].trackingCode as string;
    const out = await device.post('/auth/logout', {});
    expect(out.statusCode, out.body).toBe(204);
    const next = as(ctx.t.app, await login(ctx.t.app, 'qiaoduan', PASSWORD));
    const used = await next.post('/reports', entry(code, '上一次登录预留的码'));
    expect([used.statusCode, used.json().code]).toEqual([400, 'tracking_code_not_reserved']);
    const left = await ctx.t.db.db.selectFrom('tracking_code_reservations').selectAll().execute();
    expect(left).toHaveLength(0);

    // A reservation past its time is deleted when the account reserves again, and does not count.
    expect((await next.post('/reports/tracking-codes', { count: 10 })).json().codes).toHaveLength(10);
    await ctx.t.db.db
      .updateTable('tracking_code_reservations')
      .set({ expires_at: '2020-01-01T00:00:00.000Z' })
      .execute();
    expect((await next.post('/reports/tracking-codes', { count: 3 })).json().codes).toHaveLength(3);
    const rows = await ctx.t.db.db.selectFrom('tracking_code_reservations').select('expires_at').execute();
    expect(rows).toHaveLength(3);
  });

  it('a report entered offline keeps the time it was made on the device: not in the future, not before its code was reserved', async () => {
    const qiao = await ctx.user('qiaoduan');
    const codes = (await qiao.post('/reports/tracking-codes', { count: 3 })).json().codes as { trackingCode: string }[];
    const [a, b, c] = codes.map((x) => x.trackingCode) as [string, string, string];
    const reservedAt = (
      await ctx.t.db.db.selectFrom('tracking_code_reservations').select('reserved_at').executeTakeFirstOrThrow()
    ).reserved_at;
    // Made right when the code came (the earliest it may be), sent later.
    const madeAt = reservedAt;
    // It is stamped with the moment it was made, not with its arrival.
    const made = await qiao.post('/reports', { ...entry(a, '离线时登记'), reportedAt: madeAt });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().reportedAt).toBe(madeAt);
    const row = await ctx.t.db.db
      .selectFrom('reports')
      .select(['reported_at', 'created_at'])
      .where('id', '=', made.json().id)
      .executeTakeFirstOrThrow();
    expect(row.reported_at).toBe(madeAt);
    expect(row.created_at > madeAt).toBe(true);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const ahead = await qiao.post('/reports', { ...entry(b, '未来的时间'), reportedAt: future });
    expect([ahead.statusCode, ahead.json().code, ahead.json().errors?.[0]?.path]).toEqual([
      400,
      'validation_failed',
      'body.reportedAt',
    ]);
    const before = new Date(Date.parse(reservedAt) - 10 * 60_000).toISOString();
    const early = await qiao.post('/reports', { ...entry(b, '早于预留'), reportedAt: before });
    expect([early.statusCode, early.json().errors?.[0]?.path]).toEqual([400, 'body.reportedAt']);
    // The refused report did not use its code.
    expect((await qiao.post('/reports', { ...entry(b, '改正时间'), reportedAt: madeAt })).statusCode).toBe(201);
    // Without a reserved code there is nothing to bound the time by: a report entered online is stamped by the server.
    const online = await qiao.post('/reports', {
      source: 'hotline',
      regionCode: '411321106200',
      category: 'water',
      description: '热线',
      reportedAt: madeAt,
    });
    expect([online.statusCode, online.json().errors?.[0]?.path]).toEqual([400, 'body.reportedAt']);
    // A code without a time is stamped when it arrives.
    const plain = await qiao.post('/reports', entry(c, '没有时间'));
    expect(Date.parse(plain.json().reportedAt)).toBeGreaterThan(Date.parse(madeAt));
  });

  it('the public page cannot name a code: only staff entering a report use a reservation', async () => {
    const code = (await (await ctx.user('qiaoduan')).post('/reports/tracking-codes', { count: 1 })).json().codes[0]
      .trackingCode as string;
    const res = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/public/reports',
      payload: { regionCode: '411321106200', category: 'water', description: '居民自己填', trackingCode: code },
    });
    expect(res.statusCode).toBe(400);
  });
});
