import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/lib/config.ts';
import { RefusalLog } from '../src/plugins/rate-limit-log.ts';
import { type TestApp, testApp } from './helpers.ts';
import { scratchDatabases } from './scratch-db.ts';
import { stop } from './cli-process.ts';
import { countyDatabase, startServer } from './server-process.ts';

/** The resident form: 10 submissions a minute per client. An empty body is refused (400) after it is counted. */
const submitFrom = (t: TestApp, remoteAddress: string, forwardedFor?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/public/reports',
    remoteAddress,
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    payload: {},
  });

describe('rate limits behind a proxy', () => {
  let t: TestApp | null = null;
  const saved = process.env.TRUST_PROXY;
  afterEach(async () => {
    await t?.close();
    t = null;
    if (saved === undefined) delete process.env.TRUST_PROXY;
    else process.env.TRUST_PROXY = saved;
  });

  it('TRUST_PROXY is a hop count or the proxies’ addresses: `1` is one hop, never "trust everyone"; anything else stops the start', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16 ,::1' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
      '::1',
    ]);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,fd00::/16' }).trustProxy).toEqual(['10.0.0.0/8', 'fd00::/16']);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toEqual(['loopback']);
    // Nor "trust everyone" by another name: every address as a range, or more hops than any deployment has.
    for (const bad of [
      'true',
      'yes',
      '10.0.0.300',
      '10.0.0.0/33',
      '-1',
      '1.5',
      '0.0.0.0/0',
      '::/0',
      '10.0.0.1,0.0.0.0/00',
      '0.0.0.0/1,128.0.0.0/1',
      '::/1,8000::/1',
      '6',
      '99999999999999999999',
    ]) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
  });

  it('a client behind a trusted proxy is counted by its forwarded address; from any other address the header is ignored', async () => {
    t = await testApp(undefined, undefined, { trustProxy: ['10.0.0.1'] });
    // Twelve residents behind the township's proxy: each has a limit of its own.
    const behind = [];
    for (let i = 1; i <= 12; i++) behind.push((await submitFrom(t, '10.0.0.1', `203.0.113.${i}`)).statusCode);
    expect(behind).toEqual(Array(12).fill(400));
    // One of them sending eleven times reaches its own limit.
    const one = [];
    for (let i = 1; i <= 11; i++) one.push((await submitFrom(t, '10.0.0.1', '203.0.113.99')).statusCode);
    expect(one).toEqual([...Array(10).fill(400), 429]);
    // A client that is not the proxy cannot pick a bucket by naming another address.
    const direct = [];
    for (let i = 1; i <= 11; i++) direct.push((await submitFrom(t, '198.51.100.7', `192.0.2.${i}`)).statusCode);
    expect(direct).toEqual([...Array(10).fill(400), 429]);
  });

  it('with TRUST_PROXY=1 the address the proxy saw counts: a forged X-Forwarded-For in front of it changes nothing', async () => {
    process.env.TRUST_PROXY = '1';
    t = await testApp();
    // An appending proxy passes on what the client forged, then adds the address it saw.
    const statuses = [];
    for (let i = 1; i <= 11; i++)
      statuses.push((await submitFrom(t, '127.0.0.1', `198.51.100.${i}, 192.0.2.5`)).statusCode);
    expect(statuses).toEqual([...Array(10).fill(400), 429]);
    // The hop is believed: another resident behind the same proxy has a limit of its own.
    expect((await submitFrom(t, '127.0.0.1', '192.0.2.6')).statusCode).toBe(400);
  });
});

describe('refusals in the log', () => {
  const scratch = scratchDatabases();
  afterAll(() => scratch.cleanup());

  it('refused requests are logged as one summary line per route and window, not a line per request', async () => {
    const key = randomBytes(32).toString('base64');
    const url = await countyDatabase(scratch);
    const { child, base } = await startServer(url, key, { LOG_LEVEL: 'info', LIANJIAN_DAILY_SNAPSHOTS: 'off' }, 'pipe');
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
    });
    try {
      const before = out.split('\n').filter((l) => l.startsWith('{')).length;
      const N = 400;
      const statuses: Record<number, number> = {};
      for (let i = 0; i < N; i += 20) {
        const batch = await Promise.all(
          Array.from({ length: 20 }, () =>
            fetch(`${base}/api/v1/public/reports`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: '{}',
            }),
          ),
        );
        for (const r of batch) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }
      expect(statuses).toEqual({ 400: 10, 429: N - 10 });
      // Stopped cleanly, so that the last window's line is written.
      await stop(child);
      const lines = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .slice(before)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      // The log does not grow with the flood: no line of its own for a refused request…
      expect(lines.filter((l) => (l.res as { statusCode?: number } | undefined)?.statusCode === 429).length).toBe(0);
      expect(lines.length).toBeLessThan(40);
      // …and every refusal counted, in one line for the route (one window).
      const summaries = lines.filter((l) => l.msg === 'requests refused by a rate limit');
      expect(summaries).toEqual([
        expect.objectContaining({ route: 'POST /api/v1/public/reports', refused: N - 10, clients: 1 }),
      ]);
    } finally {
      await stop(child);
    }
  }, 120_000);

  it('each window of refusals gets its line when it ends, with the count, the clients and the busiest one', async () => {
    const written: { obj: Record<string, unknown>; msg: string }[] = [];
    const log = {
      warn: (obj: Record<string, unknown>, msg: string) => written.push({ obj, msg }),
    } as unknown as ConstructorParameters<typeof RefusalLog>[0];
    const refusals = new RefusalLog(log, 50);
    for (let i = 0; i < 1000; i++)
      refusals.count('POST /api/v1/auth/login', i % 10 === 0 ? '192.0.2.1' : `198.51.100.${i % 7}`);
    expect(written).toEqual([]);
    await new Promise((r) => setTimeout(r, 120));
    refusals.count('POST /api/v1/auth/login', '192.0.2.1');
    refusals.close();
    expect(written.map((w) => [w.msg, w.obj.refused, w.obj.clients])).toEqual([
      ['requests refused by a rate limit', 1000, 8],
      ['requests refused by a rate limit', 1, 1],
    ]);
    expect(written[0]?.obj.busiest).toEqual({ client: '198.51.100.1', refused: 129 });
  });
});
