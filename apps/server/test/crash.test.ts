import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/index.ts';
import { verifyUrl } from '../src/ops/backup.ts';
import { writeRegisterSample } from '../src/seed/register-sample.ts';
import { scratchDatabases } from './scratch-db.ts';
import { countyDatabase, session, startServer } from './server-process.ts';

const RUNS = 10;
const ROWS = 6000;

describe('crash consistency: SIGKILL at random points during an import and report submissions', () => {
  const scratch = scratchDatabases();
  const key = randomBytes(32).toString('base64');
  let url = '';
  const files: { file: string; households: number }[] = [];

  beforeAll(async () => {
    url = await countyDatabase(scratch, key);
    for (let i = 0; i < RUNS; i++) {
      const file = path.join(scratch.dir, `register-${i}.csv`);
      const r = await writeRegisterSample(file, { rows: ROWS, villages: ['411321106200', '411321106201'], serial: i });
      files.push({ file, households: r.households });
    }
  }, 120_000);
  afterAll(async () => scratch.cleanup());

  it(`${RUNS} kills: after each restart the database is intact, the audit chain verifies, each import is all or nothing and no acknowledged report is lost`, async () => {
    const acknowledged: string[] = [];
    const outcomes: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { child, base } = await startServer(url, key);
      const headers = await session(base);
      const exited = new Promise((r) => child.once('exit', r));
      // Reports keep coming, each with its idempotency key, until the process dies.
      let dead = false;
      const reports = (async () => {
        for (let i = 0; !dead; i++) {
          const description = `第${run}轮第${i}条：路灯不亮`;
          try {
            const res = await fetch(`${base}/api/v1/reports`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': `crash-${run}-${i}` },
              body: JSON.stringify({ source: 'visit', regionCode: '411321106200', category: 'electricity', description }),
            });
            if (res.status === 201) acknowledged.push(description);
          } catch {
            return;
          }
        }
      })();
      const { file, households } = files[run] as { file: string; households: number };
      const upload = fetch(`${base}/api/v1/household-imports?fileName=${encodeURIComponent(`r${run}.csv`)}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        body: fs.readFileSync(file),
      }).catch(() => null);
      if (run % 2 === 0) {
        // Anywhere from the upload through the write to just after it.
        await new Promise((r) => setTimeout(r, 30 + Math.floor(Math.random() * 1500)));
      } else {
        // Around the write itself: wait until the job prepares its rows, then up to 400 ms more.
        const view = (await (await upload)?.json()) as { id: string } | undefined;
        for (let i = 0; view && i < 500; i++) {
          const state = (await (await fetch(`${base}/api/v1/household-imports/${view.id}`, { headers })).json()) as { phase: string };
          if (state.phase === 'preparing' || state.phase === 'writing' || state.phase === 'done') break;
          await new Promise((r) => setTimeout(r, 5));
        }
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 400)));
      }
      child.kill('SIGKILL');
      dead = true;
      await exited;
      await Promise.all([reports, upload]);

      const report = await verifyUrl(url);
      expect(report.integrity, `run ${run}`).toBe('ok');
      expect(report.audit.ok, `run ${run}: audit chain`).toBe(true);
      const handle = createDb(url);
      try {
        const imports = await handle.db.selectFrom('household_imports').select(['status', 'households', 'file_name', 'phase']).execute();
        const total = Number((await handle.db.selectFrom('households').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
        const completed = imports.filter((i) => i.status === 'completed');
        // All or nothing: the register holds exactly the households of the completed imports.
        expect(total, `run ${run}`).toBe(completed.reduce((s, i) => s + Number(i.households), 0));
        // A completed import holds its whole file; this run's import, if cut off, left nothing.
        for (const i of completed) expect(Number(i.households), i.file_name).toBe(files[Number(/\d+/.exec(i.file_name)?.[0])]?.households);
        const mine = imports.find((i) => i.file_name === `r${run}.csv`);
        outcomes.push(mine ? `${mine.status}/${mine.phase}` : 'not received');
        if (mine?.status === 'completed') expect(Number(mine.households)).toBe(households);
        // Every acknowledged report is there.
        const stored = new Set((await handle.db.selectFrom('reports').select('description').execute()).map((r) => r.description));
        expect(acknowledged.filter((d) => !stored.has(d)), `run ${run}: lost reports`).toEqual([]);
      } finally {
        await handle.close();
      }
    }
    expect(acknowledged.length).toBeGreaterThan(RUNS);
    // Where the kills landed (upload, validation, the write, after it): printed for the record.
    console.log(`crash outcomes: ${outcomes.join(', ')}; ${acknowledged.length} acknowledged reports, none lost`);
  }, 600_000);
});
