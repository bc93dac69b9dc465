import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/index.ts';
import { ENCRYPTED_COLUMNS } from '../src/lib/data-key.ts';
import { AuditTrail } from '../src/modules/audit/audit.trail.ts';
import { openDataKey } from '../src/setup.ts';
import { idCheckChar } from '../src/lib/identity.ts';
import { PASSWORD } from './factories.ts';
import { oneHeadHousehold, standardDemoCounty } from './key-ring-fixture.ts';
import { scratchDatabases } from './scratch-db.ts';
import { session, startServer } from './server-process.ts';
import { stop } from './cli-process.ts';

const cli = path.resolve(import.meta.dirname, '../src/cli.ts');

/**
 * `lianjian switch-crypto` in a process of its own, killed with SIGKILL once it has printed `killAt` lines of progress
 * (never, when null): a kill between any two batches, as a power cut would come.
 */
function switchCrypto(env: Record<string, string>, killAt: number | null) {
  return new Promise<{ killed: boolean; output: string; code: number | null }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'switch-crypto', '--to', 'gm'], {
      env: { ...process.env, LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let lines = 0;
    let killed = false;
    const read = (d: Buffer) => {
      output += String(d);
      lines = output.split('\n').filter((l) => /rows rewritten|New keys stored/.test(l)).length;
      if (killAt !== null && lines >= killAt && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', (d) => {
      output += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ killed, output, code }));
  });
}

describe('crash consistency: SIGKILL during a change of profile', () => {
  const scratch = scratchDatabases();
  afterAll(async () => scratch.cleanup());

  it('killed between batches again and again, switch-crypto resumes each time; at the end every field reads, every index is the new key’s, and the chain verifies', async () => {
    const { url, master, cipher, handle } = await standardDemoCounty(scratch, PASSWORD);
    const before = new Map(
      (
        await handle.db
          .selectFrom('household_people')
          .select(['id', 'id_number_enc', 'phone_enc', 'health_enc'])
          .execute()
      ).map((p) => [p.id, [p.id_number_enc, p.phone_enc, p.health_enc].map((v) => (v ? cipher.decrypt(v) : null))]),
    );
    await handle.close();
    const env = {
      DATABASE_URL: url,
      LIANJIAN_DATA_KEY: master.toString('base64'),
      LIANJIAN_KEY_REFRESH_MS: '50',
      LIANJIAN_KEY_JOB_BATCH: '200',
    };
    // Killed once right after the keys were stored, then at later and later batches of the rewriting.
    const kills = [1, 3, 6, 10, 15];
    const phases: string[] = [];
    for (const killAt of kills) {
      const run = await switchCrypto(env, killAt);
      expect(run.killed, run.output).toBe(true);
      const h = createDb(url);
      const job = await h.db.selectFrom('key_jobs').select(['phase', 'progress_json']).executeTakeFirstOrThrow();
      phases.push(`${job.phase}:${(JSON.parse(job.progress_json) as { rewritten: number }).rewritten}`);
      await h.close();
    }
    // The kills fell while the job was under way, with more and more rewritten, never after its end.
    expect(
      phases.every((p) => !p.startsWith('done')),
      phases.join(' '),
    ).toBe(true);
    const rewrittenAt = phases.map((p) => Number(p.split(':')[1]));
    expect(rewrittenAt.at(-1) as number, phases.join(' ')).toBeGreaterThan(rewrittenAt[1] as number);
    const last = await switchCrypto(env, null);
    expect(last.code, last.output).toBe(0);
    expect(last.output).toContain('resuming key job');
    expect(last.output).toContain('audit chain intact');

    const after = createDb(url);
    try {
      const jobs = await after.db.selectFrom('key_jobs').select('phase').execute();
      expect(jobs).toEqual([{ phase: 'done' }]);
      const ring = await openDataKey(after.db, {
        env: { LIANJIAN_DATA_KEY: master.toString('base64') },
        record: false,
      });
      expect(ring.profile).toBe('gm');
      const people = await after.db
        .selectFrom('household_people')
        .select(['id', 'id_number_enc', 'phone_enc', 'health_enc', 'id_number_index', 'phone_index'])
        .execute();
      expect(people.length).toBe(before.size);
      for (const p of people) {
        const values = [p.id_number_enc, p.phone_enc, p.health_enc];
        expect(values.map((v) => (v ? ring.decrypt(v) : null))).toEqual(before.get(p.id));
        for (const v of values) if (v) expect(v.startsWith('g1:')).toBe(true);
        expect(p.id_number_index).toBe(ring.blindIndex(before.get(p.id)?.[0] as string));
        if (p.phone_index) expect(p.phone_index).toBe(ring.blindIndex(before.get(p.id)?.[1] as string));
      }
      for (const [table, column] of ENCRYPTED_COLUMNS) {
        const rows = await after.db.selectFrom(table).select(column).where(column, 'is not', null).execute();
        for (const r of rows)
          expect(String((r as Record<string, unknown>)[column]).slice(0, 3), `${table}.${column}`).toBe('g1:');
      }
      expect(await AuditTrail.of(ring).verify(after.db)).toMatchObject({ ok: true });
      // One start and one end in the trail, however many times the job was killed.
      const events = await after.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', 'like', 'data_key.job_%')
        .orderBy('seq')
        .execute();
      expect(events.map((e) => e.action)).toEqual(['data_key.job_started', 'data_key.job_finished']);
    } finally {
      await after.close();
    }
  }, 240_000);

  it('a county served while it switches: what the server writes meanwhile is rewritten too, and it writes under gm once it has refreshed its keys', async () => {
    const { url, master, handle } = await standardDemoCounty(scratch, PASSWORD);
    await handle.close();
    const key = master.toString('base64');
    // LIANJIAN_CRYPTO unset: the server follows the database's profile, whatever the suite runs under.
    const { child, base } = await startServer(url, key, { LIANJIAN_KEY_REFRESH_MS: '100', LIANJIAN_CRYPTO: '' });
    const registered: { id: string; idNumber: string }[] = [];
    try {
      const headers = { ...(await session(base)), 'content-type': 'application/json' };
      let n = 0;
      const register = async () => {
        n += 1;
        const first17 = `411321198001${String(1 + (n % 28)).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
        const idNumber = first17 + idCheckChar(first17);
        const res = await fetch(`${base}/api/v1/households`, {
          method: 'POST',
          headers,
          body: JSON.stringify(oneHeadHousehold(idNumber, '13912340001', `穆老庄村${n}号`)),
        });
        expect(res.status, await res.clone().text()).toBe(201);
        registered.push({ id: ((await res.json()) as { id: string }).id, idNumber });
      };
      const job = switchCrypto(
        { DATABASE_URL: url, LIANJIAN_DATA_KEY: key, LIANJIAN_KEY_REFRESH_MS: '100', LIANJIAN_KEY_JOB_BATCH: '300' },
        null,
      );
      let finished = false;
      void job.then(() => {
        finished = true;
      });
      while (!finished) {
        await register();
        await new Promise((r) => setTimeout(r, 20));
      }
      const done = await job;
      expect(done.code, done.output).toBe(0);
      const during = registered.length;
      expect(during).toBeGreaterThan(5);
      // After the job, the server writes under gm (it refreshed its ring): and finds by ID number what it wrote before.
      await new Promise((r) => setTimeout(r, 300));
      await register();
      for (const r of [registered[0], registered[during - 1]] as { id: string; idNumber: string }[]) {
        const found = await fetch(`${base}/api/v1/households/search`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ idNumber: r.idNumber }),
        });
        expect(((await found.json()) as { items: { id: string }[] }).items.map((h) => h.id)).toEqual([r.id]);
      }
    } finally {
      await stop(child);
    }
    const after = createDb(url);
    try {
      const ring = await openDataKey(after.db, { env: { LIANJIAN_DATA_KEY: key }, record: false });
      const people = await after.db
        .selectFrom('household_people')
        .select(['id_number_enc', 'id_number_index'])
        .where(
          'household_id',
          'in',
          registered.map((r) => r.id),
        )
        .execute();
      expect(people.length).toBe(registered.length);
      for (const p of people) {
        expect(p.id_number_enc.slice(0, 3)).toBe('g1:');
        expect(p.id_number_index.slice(0, 3)).toBe('g1.');
        expect(registered.map((r) => r.idNumber)).toContain(ring.decrypt(p.id_number_enc));
      }
      expect(await AuditTrail.of(ring).verify(after.db)).toMatchObject({ ok: true });
    } finally {
      await after.close();
    }
  }, 120_000);
});
