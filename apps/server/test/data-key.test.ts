import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createDb } from '../src/db/index.ts';
import { DataCipher } from '../src/lib/crypto.ts';
import { DataKeyError, ENCRYPTED_COLUMNS } from '../src/lib/data-key.ts';
import { AuditTrail } from '../src/modules/audit/audit.trail.ts';
import { openDataKey } from '../src/setup.ts';
import { runCli, stop } from './cli-process.ts';
import { PASSWORD, buildCounty } from './factories.ts';
import { as, auditTrailGuard, freshDb, login } from './helpers.ts';
import { newIdNumber, registerHousehold } from './households-fixture.ts';
import { scratchDatabases } from './scratch-db.ts';
import { countyDatabase, session, startServer } from './server-process.ts';

const QUIET = { LIANJIAN_DAILY_SNAPSHOTS: 'off' };
const household = (regionCode = '411321106200') => ({
  regionCode,
  address: '穆老庄村一组',
  primaryCause: 'illness',
  secondaryCauses: [],
  income: { wages: 9000, business: 3000, transfer: 2400, property: 0 },
  waterSafe: true,
  people: [
    {
      name: '赵大山',
      relationship: '户主',
      gender: 'male',
      idNumber: newIdNumber(1970),
      phone: '13912345678',
      health: 'healthy',
      labour: 'normal',
    },
  ],
});

/** A start that must fail: what the server said before it stopped. */
async function refusedStart(url: string, key: string, env: Record<string, string> = {}): Promise<string> {
  try {
    const { child } = await startServer(url, key, { ...QUIET, ...env });
    await stop(child);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the server started');
}

describe('the data key: a server never runs a database with a key that cannot read it', () => {
  const scratch = scratchDatabases();
  afterAll(async () => scratch.cleanup());

  it('a database holding encrypted data refuses to start with another key or without its key file, names LIANJIAN_KEY_FILE and LIANJIAN_DATA_KEY, and makes no new key', async () => {
    const right = randomBytes(32).toString('base64');
    const wrong = randomBytes(32).toString('base64');
    const url = await countyDatabase(scratch);
    let server = await startServer(url, right, QUIET);
    const qiao = await session(server.base);
    const created = await fetch(`${server.base}/api/v1/households`, {
      method: 'POST',
      headers: { ...qiao, 'content-type': 'application/json' },
      body: JSON.stringify(household()),
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    await stop(server.child);

    // A restore on another machine, started with another key: refused before it answers anything.
    const another = await refusedStart(url, wrong);
    expect(another).toMatch(/LIANJIAN_DATA_KEY/);
    expect(another).toMatch(/LIANJIAN_KEY_FILE/);
    // Started with no key at all: the key file named is missing, and none is made for a database that has data.
    const keyFile = path.join(scratch.dir, 'keys', 'lianjian.key');
    const missing = await refusedStart(url, '', { LIANJIAN_KEY_FILE: keyFile });
    expect(missing).toMatch(/LIANJIAN_KEY_FILE/);
    expect(missing).toContain(keyFile);
    expect(fs.existsSync(keyFile)).toBe(false);
    // The operator's commands say the same instead of "audit chain broken at event 1".
    for (const command of ['verify-audit', 'verify']) {
      const r = await runCli([command], { DATABASE_URL: url, LIANJIAN_DATA_KEY: wrong });
      expect(r.code, r.output).toBe(1);
      expect(r.output).toMatch(/LIANJIAN_DATA_KEY/);
    }

    // A backup restored on another machine is checked with the key it will be served with.
    const file = path.join(scratch.dir, scratch.dialect === 'sqlite' ? 'copy.db' : 'copy.dump');
    expect((await runCli(['backup', '--out', file], { DATABASE_URL: url })).code).toBe(0);
    const elsewhere = await scratch.create();
    const restored = await runCli(['restore', '--from', file], { DATABASE_URL: elsewhere, LIANJIAN_DATA_KEY: wrong });
    expect(restored.code, restored.output).toBe(1);
    expect(restored.output).toMatch(/LIANJIAN_DATA_KEY/);
    const checked = await runCli(['verify'], { DATABASE_URL: elsewhere, LIANJIAN_DATA_KEY: right });
    expect(checked.code, checked.output).toBe(0);

    // With its own key it starts, and the household reads.
    server = await startServer(url, right, QUIET);
    try {
      const read = await fetch(`${server.base}/api/v1/households/${id}`, { headers: await session(server.base) });
      expect(read.status).toBe(200);
    } finally {
      await stop(server.child);
    }
  }, 180_000);

  it('a database from before the key check gets its check only when what it holds was written with the key: its ciphertexts and its audit chain', async () => {
    const right = randomBytes(32).toString('base64');
    const wrong = randomBytes(32).toString('base64');
    // Written by an application that never recorded which key it used (as versions before this one).
    const withHousehold = await countyDatabase(scratch);
    const onlyAudit = await countyDatabase(scratch);
    for (const [url, registers] of [
      [withHousehold, true],
      [onlyAudit, false],
    ] as const) {
      const handle = createDb(url);
      const app = await buildApp({ db: handle, cipher: new DataCipher(Buffer.from(right, 'base64')) });
      const trail = auditTrailGuard(app, handle);
      try {
        const qiao = as(app, await login(app, 'qiaoduan', PASSWORD));
        if (registers) await registerHousehold(qiao);
      } finally {
        await trail.settled();
        await app.close();
        await handle.close();
      }
      trail.assertHeld();
    }
    // Ciphertexts that another key cannot read, or an audit chain another key cannot verify: refused.
    expect(await refusedStart(withHousehold, wrong)).toMatch(/LIANJIAN_DATA_KEY/);
    expect(await refusedStart(onlyAudit, wrong)).toMatch(/LIANJIAN_DATA_KEY/);
    // The right key starts, and from then on the database knows it.
    for (const url of [withHousehold, onlyAudit]) {
      const { child } = await startServer(url, right, QUIET);
      await stop(child);
    }
    const r = await runCli(['verify'], { DATABASE_URL: withHousehold, LIANJIAN_DATA_KEY: right });
    expect(r.code, r.output).toBe(0);
  }, 180_000);
});

describe('opening the data key at start-up', () => {
  const quiet = { print: () => undefined };
  const keyOf = (k: Buffer) => ({ LIANJIAN_DATA_KEY: k.toString('base64') });

  it('every encrypted column of the schema is among those checked before a key is first recorded', async () => {
    const handle = await freshDb();
    try {
      const columns = (
        handle.dialect === 'postgres'
          ? await sql<{
              t: string;
              c: string;
            }>`select table_name as t, column_name as c from information_schema.columns where table_schema = current_schema()`.execute(
              handle.db,
            )
          : await sql<{
              t: string;
              c: string;
            }>`select m.name as t, p.name as c from sqlite_master m, pragma_table_info(m.name) p where m.type = 'table'`.execute(
              handle.db,
            )
      ).rows.filter((r) => r.c.endsWith('_enc'));
      expect(columns.map((r) => `${r.t}.${r.c}`).sort()).toEqual(ENCRYPTED_COLUMNS.map(([t, c]) => `${t}.${c}`).sort());
    } finally {
      await handle.close();
    }
  });

  it('a database is opened only with the key it was written with: recorded once (audited), then checked; a read-only open writes nothing', async () => {
    const handle = await freshDb();
    try {
      const db = handle.db;
      const right = randomBytes(32);
      const wrong = randomBytes(32);
      await buildCounty(db);
      // A second factor's secret, written with the right key by a version that did not record it.
      await db
        .updateTable('users')
        .set({ totp_secret_enc: new DataCipher(right).encrypt('JBSWY3DPEHPK3PXP') })
        .where('username', '=', 'qiaoduan')
        .execute();
      const refused = await openDataKey(db, { ...quiet, env: keyOf(wrong) }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DataKeyError);
      expect((refused as Error).message).toMatch(/users\.totp_secret_enc.*LIANJIAN_DATA_KEY.*LIANJIAN_KEY_FILE/s);
      // Checking only: nothing recorded, nothing audited.
      await openDataKey(db, { ...quiet, env: keyOf(right), record: false });
      expect(await db.selectFrom('meta').selectAll().where('key', '=', 'data_key_check').execute()).toEqual([]);
      expect(await db.selectFrom('audit_events').select('seq').execute()).toEqual([]);

      const cipher = await openDataKey(db, { ...quiet, env: keyOf(right) });
      const events = await db.selectFrom('audit_events').select(['action', 'entity_id']).execute();
      expect(events).toEqual([{ action: 'data_key.record', entity_id: cipher.keyId }]);
      expect((await AuditTrail.of(cipher).verify(db)).ok).toBe(true);
      // From now on the record decides, whatever else the database holds.
      await db.updateTable('users').set({ totp_secret_enc: null }).execute();
      const mismatch = await openDataKey(db, { ...quiet, env: keyOf(wrong) }).catch((e: unknown) => e);
      expect(mismatch).toBeInstanceOf(DataKeyError);
      expect((mismatch as Error).message).toContain(cipher.keyId);
      expect((mismatch as Error).message).toContain(new DataCipher(wrong).keyId);
      await openDataKey(db, { ...quiet, env: keyOf(right) });
      expect(await db.selectFrom('audit_events').select('seq').execute()).toHaveLength(1);
    } finally {
      await handle.close();
    }
  });

  it('a database is served under the cryptographic profile it was written with: the other one is refused, naming LIANJIAN_CRYPTO', async () => {
    const handle = await freshDb();
    try {
      const key = randomBytes(32);
      const under = (profile: string) => ({ ...quiet, env: { ...keyOf(key), LIANJIAN_CRYPTO: profile } });
      const first = await openDataKey(handle.db, under('gm'));
      expect(first.profile).toBe('gm');
      const recorded = await handle.db
        .selectFrom('meta')
        .select('value')
        .where('key', '=', 'data_key_check')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(recorded.value)).toMatchObject({ profile: 'gm', check: expect.stringMatching(/^g1:/) });
      expect((await openDataKey(handle.db, under('gm'))).profile).toBe('gm');
      const refused = await openDataKey(handle.db, under('standard')).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DataKeyError);
      expect((refused as Error).message).toMatch(/gm.*LIANJIAN_CRYPTO=gm/s);
      // A record from before the profiles were named was written under the standard one.
      await handle.db
        .updateTable('meta')
        .set({
          value: JSON.stringify({
            keyId: first.keyId,
            check: new DataCipher(key, 'standard').encrypt('lianjian data key check v1'),
          }),
        })
        .where('key', '=', 'data_key_check')
        .execute();
      expect((await openDataKey(handle.db, under('standard'))).profile).toBe('standard');
      expect(await openDataKey(handle.db, under('gm')).catch((e: unknown) => e)).toBeInstanceOf(DataKeyError);
    } finally {
      await handle.close();
    }
  });
});
