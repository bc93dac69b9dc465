import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/index.ts';
import { verifyUrl } from '../src/ops/backup.ts';
import { writeRegisterSample } from '../src/seed/register-sample.ts';
import { scratchDatabases } from './scratch-db.ts';
import { countyDatabase, session, startServer, trailOf } from './server-process.ts';

const RUNS = 10;
const ROWS = 6000;

describe('crash consistency: SIGKILL at random points during an import and report submissions', () => {
  const scratch = scratchDatabases();
  const key = randomBytes(32).toString('base64');
  let url = '';
  const files: { file: string; households: number }[] = [];
  // One data directory for every run, as a machine has one.
  const dataDir = path.join(scratch.dir, 'data');
  const scratchFiles = () =>
    fs.existsSync(path.join(dataDir, 'scratch'))
      ? (fs.readdirSync(path.join(dataDir, 'scratch'), { recursive: true, withFileTypes: true }) as fs.Dirent[])
          .filter((e) => !e.isDirectory())
          .map((e) => e.name)
      : [];

  beforeAll(async () => {
    url = await countyDatabase(scratch);
    for (let i = 0; i < RUNS; i++) {
      const file = path.join(scratch.dir, `register-${i}.csv`);
      const r = await writeRegisterSample(file, { rows: ROWS, villages: ['411321106200', '411321106201'], serial: i });
      files.push({ file, households: r.households });
    }
  }, 120_000);
  afterAll(async () => scratch.cleanup());

  it(`${RUNS} kills: after each restart the database is intact, the audit chain verifies, each import is all or nothing, no acknowledged report is lost, and the report cut off by the kill, retried with its key, answers with its one tracking code`, async () => {
    const acknowledged: string[] = [];
    const outcomes: string[] = [];
    const retries: string[] = [];
    const submit = (base: string, headers: Record<string, string>, idempotencyKey: string, description: string) =>
      fetch(`${base}/api/v1/reports`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify({ source: 'visit', regionCode: '411321106200', category: 'electricity', description }),
      });
    // The report whose answer the kill cut off: committed or not, the client does not know.
    let cutOff: { key: string; description: string } | null = null;
    for (let run = 0; run < RUNS; run++) {
      const { child, base } = await startServer(url, key, { LIANJIAN_DATA_DIR: dataDir });
      // What the killed server left in the data directory is gone before the next one serves.
      expect(scratchFiles(), `run ${run}: scratch files of the killed server`).toEqual([]);
      const headers = await session(base);
      const exited = new Promise((r) => child.once('exit', r));
      if (cutOff) {
        // Its retry with the same key: the report made once, whether the kill came before its commit, between the
        // commit and the answer, or after; and the answer carries the code that finds it.
        const { key: retryKey, description } = cutOff;
        const res = await submit(base, headers, retryKey, description);
        const body = (await res.json()) as { trackingCode?: string; code?: string };
        expect([res.status, body.code], `run ${run}: the retry of ${retryKey}`).toEqual([201, undefined]);
        const followed = (await (await fetch(`${base}/api/v1/public/reports/${body.trackingCode}`)).json()) as {
          description?: string;
        };
        expect(followed.description, `run ${run}: the retry's tracking code`).toBe(description);
        retries.push(res.headers.get('idempotent-replayed') ? 'replayed' : 'made now');
        acknowledged.push(description);
        cutOff = null;
      }
      // Reports keep coming, each with its idempotency key, until the process dies.
      let dead = false;
      const reports = (async () => {
        for (let i = 0; !dead; i++) {
          const description = `第${run}轮第${i}条：路灯不亮`;
          try {
            const res = await submit(base, headers, `crash-${run}-${i}`, description);
            if (res.status === 201) acknowledged.push(description);
          } catch {
            cutOff = { key: `crash-${run}-${i}`, description };
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
          const state = (await (await fetch(`${base}/api/v1/household-imports/${view.id}`, { headers })).json()) as {
            phase: string;
          };
          if (state.phase === 'preparing' || state.phase === 'writing' || state.phase === 'done') break;
          await new Promise((r) => setTimeout(r, 5));
        }
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 400)));
      }
      child.kill('SIGKILL');
      dead = true;
      await exited;
      await Promise.all([reports, upload]);

      const report = await verifyUrl(url, trailOf(key));
      expect(report.integrity, `run ${run}`).toBe('ok');
      expect(report.audit.ok, `run ${run}: audit chain`).toBe(true);
      const handle = createDb(url);
      try {
        const imports = await handle.db
          .selectFrom('household_imports')
          .select(['status', 'households', 'file_name', 'phase'])
          .execute();
        const total = Number(
          (
            await handle.db
              .selectFrom('households')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
        const completed = imports.filter((i) => i.status === 'completed');
        // All or nothing: the register holds exactly the households of the completed imports.
        expect(total, `run ${run}`).toBe(completed.reduce((s, i) => s + Number(i.households), 0));
        // A completed import holds its whole file; this run's import, if cut off, left nothing.
        for (const i of completed)
          expect(Number(i.households), i.file_name).toBe(files[Number(/\d+/.exec(i.file_name)?.[0])]?.households);
        const mine = imports.find((i) => i.file_name === `r${run}.csv`);
        outcomes.push(mine ? `${mine.status}/${mine.phase}` : 'not received');
        if (mine?.status === 'completed') expect(Number(mine.households)).toBe(households);
        // Every acknowledged report is there, once.
        const descriptions = (await handle.db.selectFrom('reports').select('description').execute()).map(
          (r) => r.description,
        );
        const stored = new Set(descriptions);
        expect(
          acknowledged.filter((d) => !stored.has(d)),
          `run ${run}: lost reports`,
        ).toEqual([]);
        expect(descriptions.length, `run ${run}: a report made twice`).toBe(stored.size);
      } finally {
        await handle.close();
      }
    }
    expect(acknowledged.length).toBeGreaterThan(RUNS);
    // Where the kills landed (upload, validation, the write, after it): printed for the record.
    console.log(
      `crash outcomes: ${outcomes.join(', ')}; ${acknowledged.length} acknowledged reports, none lost; retries of the cut-off report: ${retries.join(', ')}`,
    );
  }, 600_000);
});
