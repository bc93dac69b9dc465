import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/index.ts';
import { writeRegisterSample } from '../src/seed/register-sample.ts';
import { scratchDatabases } from './scratch-db.ts';
import { type ImportView, countyDatabase, session, startServer } from './server-process.ts';

// Short enough for a test, long enough that a busy machine does not miss a beat.
const HEARTBEAT_MS = 200;
const STALE_MS = 4000;

/**
 * Two real servers on one database, as a pool runs them: the server running an import beats (writes the import's
 * heartbeat) every few seconds, and any server marks a running import whose heartbeat stopped as failed.
 */
describe('interrupted imports are found by their heartbeat, on any server', () => {
  const scratch = scratchDatabases();
  const key = randomBytes(32).toString('base64');
  const dataDirs: string[] = [];
  const children: ChildProcess[] = [];
  let url = '';
  let big = { file: '', households: 0 };
  let small = { file: '', households: 0 };

  /** A server of the pool; `skewMs`: its clock runs that far ahead of the others'. */
  const start = async (skewMs = 0) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-data-'));
    dataDirs.push(dataDir);
    const env = {
      LIANJIAN_DATA_DIR: dataDir,
      LIANJIAN_IMPORT_HEARTBEAT_MS: String(HEARTBEAT_MS),
      LIANJIAN_IMPORT_STALE_MS: String(STALE_MS),
      LIANJIAN_DAILY_SNAPSHOTS: 'off',
      ...(skewMs
        ? {
            SKEW_MS: String(skewMs),
            NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${path.join(import.meta.dirname, 'clock-skew.mjs')}`,
          }
        : {}),
    };
    const server = await startServer(url, key, env);
    children.push(server.child);
    return { ...server, headers: await session(server.base) };
  };
  const upload = async (base: string, headers: Record<string, string>, file: string, name: string) => {
    const res = await fetch(`${base}/api/v1/household-imports?fileName=${name}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: fs.readFileSync(file),
    });
    return { status: res.status, view: (await res.json()) as ImportView };
  };
  const read = async (base: string, headers: Record<string, string>, id: string) =>
    (await (await fetch(`${base}/api/v1/household-imports/${id}`, { headers })).json()) as ImportView;
  const until = async (what: () => Promise<ImportView>, done: (v: ImportView) => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    let v = await what();
    while (!done(v) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      v = await what();
    }
    return v;
  };

  beforeAll(async () => {
    url = await countyDatabase(scratch);
    // Long enough to outlast the threshold twice over on a fast machine (60,000 rows once took 3.8 s, under it).
    big = { file: path.join(scratch.dir, 'big.csv'), households: 0 };
    big.households = (
      await writeRegisterSample(big.file, { rows: 150_000, villages: ['411321106200', '411321106201'], serial: 1 })
    ).households;
    // Large enough that the kill lands while the file is read, small enough to import again quickly.
    small = { file: path.join(scratch.dir, 'small.csv'), households: 0 };
    small.households = (
      await writeRegisterSample(small.file, { rows: 20_000, villages: ['411321106200'], serial: 2 })
    ).households;
  }, 120_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    for (const d of dataDirs) fs.rmSync(d, { recursive: true, force: true });
    await scratch.cleanup();
  });

  it('an import whose server is killed is marked interrupted by another server once its heartbeat is older than the threshold, audited; the same file uploaded again starts a new import', async () => {
    const a = await start();
    const b = await start();
    const first = await upload(a.base, a.headers, small.file, 'small.csv');
    expect(first.status).toBe(202);
    // Killed while it reads the file.
    const before = await until(
      () => read(a.base, a.headers, first.view.id),
      (v) => v.rowsRead > 0 || v.status !== 'running',
      30_000,
    );
    expect(before.status).toBe('running');
    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    const killedAt = Date.now();

    // The page, polling the other server, sees the import fail instead of running for ever.
    const seen = await until(
      () => read(b.base, b.headers, first.view.id),
      (v) => v.status !== 'running',
      20_000,
    );
    expect(seen).toMatchObject({ status: 'failed', failure: 'interrupted', households: 0 });
    expect(seen.message).toContain('中断');
    // Found within the threshold and one sweep after it (a quarter of the threshold), with room for a slow machine.
    expect(Date.now() - killedAt).toBeLessThan(STALE_MS * 3);

    const handle = createDb(url);
    try {
      const audit = await handle.db
        .selectFrom('audit_events')
        .select(['action', 'user_id'])
        .where('entity_id', '=', first.view.id)
        .execute();
      expect(audit).toEqual([{ action: 'household.import_interrupted', user_id: 'system' }]);
    } finally {
      await handle.close();
    }

    // The same file again: a new import, not the interrupted one, and it completes.
    const again = await upload(b.base, b.headers, small.file, 'small.csv');
    expect(again.status).toBe(202);
    expect(again.view.id).not.toBe(first.view.id);
    expect(again.view.duplicateOf).toBeNull();
    const done = await until(
      () => read(b.base, b.headers, again.view.id),
      (v) => v.status !== 'running',
      60_000,
    );
    expect(done).toMatchObject({ status: 'completed', households: small.households });
    b.child.kill('SIGTERM');
  }, 180_000);

  it('an import that runs longer than the threshold on a live server is never marked interrupted: its heartbeat keeps it alive, even for a server whose clock runs two minutes ahead', async () => {
    const a = await start();
    // Heartbeats and staleness are read on the database's clock: a server's own, off by more than the threshold,
    // would otherwise take every running import for dead.
    const b = await start(120_000);
    const t0 = Date.now();
    const up = await upload(a.base, a.headers, big.file, 'big.csv');
    expect(up.status).toBe(202);
    // Both servers sweep meanwhile; the import must outlast the threshold for this to show anything.
    const done = await until(
      () => read(b.base, b.headers, up.view.id),
      (v) => v.status !== 'running',
      120_000,
    );
    expect(done).toMatchObject({ status: 'completed', households: big.households });
    expect(Date.now() - t0).toBeGreaterThan(STALE_MS);
    for (const s of [a, b]) s.child.kill('SIGTERM');
  }, 180_000);
});
