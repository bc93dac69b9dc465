import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/index.ts';
import { verifyUrl } from '../src/ops/backup.ts';
import { scratchDatabases } from './scratch-db.ts';
import { countyDatabase, session, startServer, trailOf } from './server-process.ts';

/**
 * Horizontal scale: two application servers on one database, as a province runs N of them behind a load
 * balancer. Nothing that must hold across requests may live in one server's memory.
 */
describe('two application servers on one database', () => {
  const scratch = scratchDatabases();
  const key = randomBytes(32).toString('base64');
  let url = '';
  const servers: { child: ChildProcess; base: string }[] = [];
  const base = (i: number) => (servers[i] as { base: string }).base;

  beforeAll(async () => {
    url = await countyDatabase(scratch);
    // Shared counters are the default on PostgreSQL; asked for here so that SQLite runs the same store.
    const env = { LIANJIAN_RATE_LIMITS: 'shared', LIANJIAN_DAILY_SNAPSHOTS: 'off' };
    servers.push(...(await Promise.all([startServer(url, key, env), startServer(url, key, env)])));
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) s.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await scratch.cleanup();
  });

  const me = (i: number, headers: Record<string, string>) => fetch(`${base(i)}/api/v1/auth/me`, { headers });
  const report = (i: number, headers: Record<string, string>, idempotencyKey: string, description = '安置点路灯不亮') =>
    fetch(`${base(i)}/api/v1/reports`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify({ source: 'visit', regionCode: '411321106200', category: 'electricity', description }),
    });

  it('a session opened on one server works on the other, and ends on both when it ends on either', async () => {
    const headers = await session(base(0));
    expect((await me(1, headers)).status).toBe(200);
    // A change on the second server with the first server's session and its CSRF token.
    expect((await report(1, headers, 'session-crosses-1')).status).toBe(201);
    expect((await fetch(`${base(1)}/api/v1/auth/logout`, { method: 'POST', headers })).status).toBeLessThan(300);
    expect((await me(0, headers)).status).toBe(401);
    expect((await me(1, headers)).status).toBe(401);
  });

  it('a rate limit counts the requests of one client on both servers together', async () => {
    // The resident form allows 10 reports a minute from one address; 6 go to each server.
    const statuses = [];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${base(i % 2)}/api/v1/public/reports`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `limit-${i}-${randomBytes(4).toString('hex')}`,
        },
        body: JSON.stringify({
          regionCode: '411321106200',
          category: 'electricity',
          description: `第${i}条：路灯不亮，晚上出行不便`,
        }),
      });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
  });

  it('an idempotency key used on one server is honoured on the other, even when both get it at once', async () => {
    const headers = await session(base(0));
    const first = await report(0, headers, 'retry-elsewhere-1');
    expect(first.status).toBe(201);
    const again = await report(1, headers, 'retry-elsewhere-1');
    expect(again.status).toBe(201);
    expect((await again.json()).id).toBe((await first.json()).id);
    // The same key on both servers at the same moment: one change at most, never two.
    const both = await Promise.all([
      report(0, headers, 'race-both-1', '同时提交'),
      report(1, headers, 'race-both-1', '同时提交'),
    ]);
    expect(both.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
    const handle = createDb(url);
    try {
      const rows = await handle.db.selectFrom('reports').select('id').where('description', '=', '同时提交').execute();
      expect(rows).toHaveLength(1);
    } finally {
      await handle.close();
    }
  });

  it('concurrent writes through both servers keep one unbroken audit chain and lose nothing', async () => {
    const headers = await Promise.all([session(base(0)), session(base(1))]);
    const acknowledged: string[] = [];
    await Promise.all(
      [0, 1].flatMap((s) =>
        Array.from({ length: 5 }, async (_, lane) => {
          for (let i = 0; i < 8; i++) {
            const description = `服务器${s}第${lane}路第${i}条：路灯不亮`;
            const res = await report(s, headers[s] as Record<string, string>, `chain-${s}-${lane}-${i}`, description);
            if (res.status === 201) acknowledged.push(description);
          }
        }),
      ),
    );
    expect(acknowledged).toHaveLength(80);
    const verified = await verifyUrl(url, trailOf(key));
    expect(verified.audit.ok).toBe(true);
    const handle = createDb(url);
    try {
      const stored = await handle.db
        .selectFrom('reports')
        .select('description')
        .where('description', 'like', '服务器%')
        .execute();
      expect(stored.map((r) => r.description).sort()).toEqual(acknowledged.sort());
      // Gapless: every sequence number from 1 to the head's count, once.
      const seq = await handle.db
        .selectFrom('audit_events')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('seq').as('max')])
        .executeTakeFirstOrThrow();
      expect(Number(seq.n)).toBe(Number(seq.max));
    } finally {
      await handle.close();
    }
  });
});
