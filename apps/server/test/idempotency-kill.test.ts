import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/index.ts';
import { scratchDatabases } from './scratch-db.ts';
import { countyDatabase, session, startServer } from './server-process.ts';

const RUNS = 4;
const LANES = 8;

describe('a committed change always has its reply: SIGKILL of a real server while reports are submitted', () => {
  const scratch = scratchDatabases();
  const key = randomBytes(32).toString('base64');
  let url = '';

  beforeAll(async () => {
    url = await countyDatabase(scratch);
  }, 120_000);
  afterAll(async () => scratch.cleanup());

  it(`${RUNS} kills with ${LANES} reports in flight: every report cut off by the kill, retried with its key after the restart, answers 201 with the tracking code of its one report`, async () => {
    const submit = (base: string, headers: Record<string, string>, idempotencyKey: string, description: string) =>
      fetch(`${base}/api/v1/reports`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify({ source: 'hotline', regionCode: '411321106200', category: 'water', description }),
      });
    const outcomes = { replayed: 0, madeNow: 0 };
    for (let run = 0; run < RUNS; run++) {
      const { child, base } = await startServer(url, key);
      const headers = await session(base);
      const exited = new Promise((r) => child.once('exit', r));
      // Lanes of reports, each with its own key, until the process dies; the one each lane had in flight is cut off.
      let dead = false;
      const cutOff: { key: string; description: string }[] = [];
      const lanes = Array.from({ length: LANES }, async (_, lane) => {
        for (let i = 0; !dead; i++) {
          const attempt = { key: `kill-${run}-${lane}-${i}`, description: `第${run}轮第${lane}路第${i}条：水管漏水` };
          try {
            await submit(base, headers, attempt.key, attempt.description);
          } catch {
            cutOff.push(attempt);
            return;
          }
        }
      });
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 700)));
      child.kill('SIGKILL');
      dead = true;
      await exited;
      await Promise.all(lanes);

      const restarted = await startServer(url, key);
      try {
        const again = await session(restarted.base);
        for (const attempt of cutOff) {
          const res = await submit(restarted.base, again, attempt.key, attempt.description);
          const body = (await res.json()) as { trackingCode?: string; code?: string };
          expect([res.status, body.code], `run ${run}: the retry of ${attempt.key}`).toEqual([201, undefined]);
          const followed = (await (
            await fetch(`${restarted.base}/api/v1/public/reports/${body.trackingCode}`)
          ).json()) as { description?: string };
          expect(followed.description, `run ${run}: the tracking code of ${attempt.key}`).toBe(attempt.description);
          if (res.headers.get('idempotent-replayed')) outcomes.replayed++;
          else outcomes.madeNow++;
        }
      } finally {
        restarted.child.kill('SIGTERM');
        await new Promise((r) => restarted.child.once('exit', r));
      }
      const handle = createDb(url);
      try {
        const descriptions = (
          await handle.db
            .selectFrom('reports')
            .select('description')
            .where('description', 'like', `第${run}轮%`)
            .execute()
        ).map((r) => r.description);
        expect(descriptions.length, `run ${run}: a report made twice`).toBe(new Set(descriptions).size);
      } finally {
        await handle.close();
      }
    }
    // Committed before the kill (its reply with it) or not at all (made by the retry): printed for the record.
    console.log(
      `reports cut off by the kills: ${outcomes.replayed} had committed and were replayed, ${outcomes.madeNow} were made by the retry`,
    );
    expect(outcomes.replayed + outcomes.madeNow).toBeGreaterThan(0);
  }, 300_000);
});
