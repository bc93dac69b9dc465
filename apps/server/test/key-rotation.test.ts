import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createDb, migrate } from '../src/db/index.ts';
import { type CryptoProfile, DataCipher, SoftwareMasterKey } from '../src/lib/crypto.ts';
import { ENCRYPTED_COLUMNS } from '../src/lib/data-key.ts';
import { idCheckChar } from '../src/lib/identity.ts';
import { AuditTrail } from '../src/modules/audit/audit.trail.ts';
import { REWRITTEN_COLUMNS, runKeyJob, startKeyJob } from '../src/ops/key-jobs.ts';
import { writeRegisterSample } from '../src/seed/register-sample.ts';
import { openDataKey } from '../src/setup.ts';
import { clearPersonalData } from './clear-personal-data.ts';
import { as, login, sessionHeaders } from './helpers.ts';
import { rawDatabaseText } from './raw-database.ts';
import { oneHeadHousehold, standardDemoCounty } from './key-ring-fixture.ts';
import { scratchDatabases } from './scratch-db.ts';

const PASSWORD = 'Rotate-Password-2026';
const id18 = (first17: string) => first17 + idCheckChar(first17);

describe('key ring: versions, wrapping and lookups under every key', () => {
  it('a later field key reads what the key before wrote; each value names its algorithm and version', () => {
    const master = randomBytes(32);
    const ring = new DataCipher(master, 'standard');
    const before = ring.encrypt('411321197001011234');
    expect(before.startsWith('v1:')).toBe(true);
    const wrapped = new SoftwareMasterKey(master).wrap('gm', 'field/gm/2', randomBytes(48));
    ring.install([{ purpose: 'field', profile: 'gm', version: 2, wrapped, state: 'active' }]);
    const after = ring.encrypt('411321197001011234');
    expect(after.startsWith('g2:')).toBe(true);
    expect(ring.decrypt(before)).toBe('411321197001011234');
    expect(ring.decrypt(after)).toBe('411321197001011234');
    // A server that has not loaded version 2 cannot read it, and says so rather than guessing.
    expect(() => new DataCipher(master, 'standard').decrypt(after)).toThrow(/field\/gm\/2/);
  });

  it('a wrapped key opens only under its master key and its own label', () => {
    const master = new SoftwareMasterKey(randomBytes(32));
    for (const profile of ['standard', 'gm'] as CryptoProfile[]) {
      const key = randomBytes(32);
      const wrapped = master.wrap(profile, 'index/x/2', key);
      expect(master.unwrap('index/x/2', wrapped).equals(key)).toBe(true);
      expect(() => master.unwrap('index/x/3', wrapped)).toThrow();
      expect(() => new SoftwareMasterKey(randomBytes(32)).unwrap('index/x/2', wrapped)).toThrow();
    }
  });

  it('a blind index names its key (the standard version 1 untagged), and a lookup tries every key of the ring', () => {
    const master = randomBytes(32);
    const ring = new DataCipher(master, 'standard');
    const v1 = ring.blindIndex('13912345678');
    expect(v1).toMatch(/^[\w-]{43}$/);
    const wrapped = new SoftwareMasterKey(master).wrap('standard', 'index/standard/2', randomBytes(32));
    ring.install([{ purpose: 'index', profile: 'standard', version: 2, wrapped, state: 'active' }]);
    const v2 = ring.blindIndex('13912345678');
    expect(v2.startsWith('v2.')).toBe(true);
    expect(ring.blindIndexes('13912345678')).toEqual(expect.arrayContaining([v1, v2]));
    expect(ring.blindIndexes('13912345678')[0]).toBe(v2);
  });

  it('the job rewrites every encrypted column of the schema', () => {
    expect([...REWRITTEN_COLUMNS].map((c) => c.join('.')).sort()).toEqual(
      [...ENCRYPTED_COLUMNS].map((c) => c.join('.')).sort(),
    );
  });
});

describe('switching a served county standard → gm → standard, then rotating every key', () => {
  const scratch = scratchDatabases();
  afterAll(async () => scratch.cleanup());

  it('every household stays readable and findable, codes and "no"s hold, the chain and the signatures verify', async () => {
    const { url, master, cipher, handle } = await standardDemoCounty(scratch, PASSWORD);
    const app = await buildApp({ db: handle, cipher });
    await app.ready();
    const audit = app.auditTrail as AuditTrail;
    try {
      const qiao = as(app, await login(app, 'qiaoduan', PASSWORD));
      const headId = id18('41132119700315401');
      const registered = await qiao.post('/households', oneHeadHousehold(headId, '13912340001'));
      expect(registered.statusCode).toBe(201);
      const householdId = registered.json().id as string;
      const report = async (phone: string) => {
        const r = await app.inject({
          method: 'POST',
          url: '/api/v1/public/reports',
          payload: { regionCode: '411321106200', category: 'roads', description: '村口的桥裂了', phone },
        });
        expect(r.statusCode).toBe(201);
        return r.json().trackingCode as string;
      };
      const code = await report('15937770001');
      const declinedCode = await report('15937770002');
      const optOut = await app.inject({ method: 'POST', url: `/api/v1/public/reports/${declinedCode}/sms-opt-out` });
      expect(optOut.statusCode).toBeLessThan(300);

      // Every person of the register in clear, as the county sees it before any change.
      const people = async () =>
        (
          await handle.db
            .selectFrom('household_people')
            .select(['id', 'id_number_enc', 'phone_enc', 'health_enc', 'id_number_index', 'phone_index'])
            .orderBy('id')
            .execute()
        ).map((p) => ({ ...p }));
      const plain = new Map(
        (await people()).map((p) => [
          p.id,
          {
            id: cipher.decrypt(p.id_number_enc),
            phone: p.phone_enc ? cipher.decrypt(p.phone_enc) : null,
            health: cipher.decrypt(p.health_enc),
          },
        ]),
      );
      expect(plain.size).toBeGreaterThan(50);

      /** What a county must find after each change: all of it read by a server started afresh on the database. */
      const holds = async (fieldMark: string, indexTag: RegExp, stage: string) => {
        const fresh = await openDataKey(handle.db, {
          env: { LIANJIAN_DATA_KEY: master.toString('base64') },
          record: false,
        });
        for (const p of await people()) {
          const was = plain.get(p.id);
          if (!was) continue;
          expect(p.id_number_enc.startsWith(`${fieldMark}:`), `${stage}: ${p.id} id number`).toBe(true);
          expect(fresh.decrypt(p.id_number_enc), stage).toBe(was.id);
          expect(fresh.decrypt(p.health_enc), stage).toBe(was.health);
          if (p.phone_enc) expect(fresh.decrypt(p.phone_enc), stage).toBe(was.phone);
          expect(p.id_number_index, stage).toMatch(indexTag);
          expect(p.id_number_index, stage).toBe(fresh.blindIndex(was.id));
        }
        for (const [table, column] of ENCRYPTED_COLUMNS) {
          const rows = await handle.db.selectFrom(table).select(column).where(column, 'is not', null).execute();
          for (const r of rows)
            expect(
              String((r as Record<string, unknown>)[column]).startsWith(`${fieldMark}:`),
              `${stage}: ${table}.${column}`,
            ).toBe(true);
        }
        // Found by its ID number, through the register's search.
        const found = await qiao.post('/households/search', { idNumber: headId });
        expect(found.statusCode, `${stage}: ${found.body}`).toBe(200);
        expect(
          found.json().items.map((h: { id: string }) => h.id),
          stage,
        ).toEqual([householdId]);
        // The resident's code from before still finds the report; the "no" from before still holds.
        const page = await app.inject({ method: 'GET', url: `/api/v1/public/reports/${code}` });
        expect(page.statusCode, stage).toBe(200);
        expect(page.json().textMessages, stage).toBe('on');
        const declined = await app.inject({ method: 'GET', url: `/api/v1/public/reports/${declinedCode}` });
        expect(declined.json().textMessages, stage).toBe('declined');
        // And holds for the phone: a new report from it, indexed under the new key, gets no messages either.
        const sameNo = await report('15937770002');
        const sameNoPage = await app.inject({ method: 'GET', url: `/api/v1/public/reports/${sameNo}` });
        expect(sameNoPage.json().textMessages, stage).toBe('declined');
        // A duplicate registration of the same person is still refused.
        const again = await qiao.post('/households', oneHeadHousehold(headId));
        expect(again.statusCode, stage).toBe(409);
        const chain = await audit.verify(handle.db);
        expect(chain, stage).toMatchObject({ ok: true });
      };

      const switchTo = async (to: CryptoProfile) => {
        const job = await startKeyJob(handle.db, cipher, audit, { kind: 'switch', to });
        return runKeyJob(handle.db, cipher, audit, job.id, { settleMs: 0, batch: 37 });
      };

      const toGm = await switchTo('gm');
      expect(toGm.rewritten).toBeGreaterThan(plain.size);
      expect(cipher.profile).toBe('gm');
      await holds('g1', /^g1\./, 'after the switch to gm');
      // A raw dump of the switched database holds no clear ID number or phone.
      expect(clearPersonalData(await rawDatabaseText(handle, url))).toEqual({ idNumbers: [], phones: [] });
      // The newest links of the chain are HMAC-SM3, and the act-signing key published first is SM2's.
      const newest = await handle.db
        .selectFrom('audit_events')
        .select('hash')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      expect(newest.hash.startsWith('g1:')).toBe(true);
      const keys = await app.inject({ method: 'GET', url: '/api/v1/public/signing-keys' });
      expect(keys.json().keys[0].alg).toBe('sm2-sm3');

      await switchTo('standard');
      await holds('v1', /^[\w-]{43}$/, 'after the switch back to standard');

      const rotated = await startKeyJob(handle.db, cipher, audit, { kind: 'rotate' });
      // While the job runs, no register import starts: it would check its people under one index key only.
      const file = path.join(scratch.dir, 'register.csv');
      await writeRegisterSample(file, { rows: 4, villages: ['411321106200'], serial: 9 });
      const upload = await app.inject({
        method: 'POST',
        url: '/api/v1/household-imports?fileName=register.csv',
        headers: {
          ...sessionHeaders(await login(app, 'qiaoduan', PASSWORD)),
          'content-type': 'application/octet-stream',
        },
        payload: fs.readFileSync(file),
      });
      expect(upload.statusCode, upload.body).toBe(409);
      expect(upload.json().code).toBe('key_job_running');
      await runKeyJob(handle.db, cipher, audit, rotated.id, { settleMs: 0, batch: 50 });
      await holds('v2', /^v2\./, 'after a rotation of every key');
      // The chain goes on under the new chain key: every link since the rotation's end is `h2:`.
      const finished = await handle.db
        .selectFrom('audit_events')
        .select('seq')
        .where('action', '=', 'data_key.job_finished')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      const since = await handle.db
        .selectFrom('audit_events')
        .select('hash')
        .where('seq', '>=', finished.seq)
        .execute();
      expect(since.length).toBeGreaterThanOrEqual(2);
      expect(since.every((e) => e.hash.startsWith('h2:'))).toBe(true);
      // Every signing key stays published: what was signed before any change is still checked.
      const published = (await app.inject({ method: 'GET', url: '/api/v1/public/signing-keys' })).json().keys;
      expect(published.length).toBeGreaterThanOrEqual(3);

      const jobs = await handle.db.selectFrom('key_jobs').select(['kind', 'phase']).orderBy('started_at').execute();
      expect(jobs).toEqual([
        { kind: 'switch', phase: 'done' },
        { kind: 'switch', phase: 'done' },
        { kind: 'rotate', phase: 'done' },
      ]);
      const events = await handle.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', 'like', 'data_key.job_%')
        .execute();
      expect(events.length).toBe(6);
      // A server started with LIANJIAN_CRYPTO naming the profile the database left is refused, and says how to convert.
      await expect(
        openDataKey(handle.db, {
          env: { LIANJIAN_DATA_KEY: master.toString('base64'), LIANJIAN_CRYPTO: 'gm' },
          record: false,
        }),
      ).rejects.toThrow(/switch-crypto --to gm/);
    } finally {
      await app.close();
      await handle.close();
    }
  }, 240_000);
});

describe('a rotation of one purpose', () => {
  const scratch = scratchDatabases();
  afterAll(async () => scratch.cleanup());

  it('leaves the other purposes under the database’s profile, for a server started without LIANJIAN_CRYPTO', async () => {
    const url = await scratch.create();
    const handle = createDb(url);
    const master = randomBytes(32);
    try {
      await migrate(handle.db);
      const cipher = new DataCipher(master, 'gm');
      await openDataKey(handle.db, { cipher, print: () => {} });
      const audit = AuditTrail.of(cipher);
      const job = await startKeyJob(handle.db, cipher, audit, { kind: 'rotate', purposes: ['field'] });
      await runKeyJob(handle.db, cipher, audit, job.id, { settleMs: 0 });
      const started = await openDataKey(handle.db, {
        env: { LIANJIAN_DATA_KEY: master.toString('base64') },
        record: false,
      });
      expect(started.activeKey('field')).toEqual({ purpose: 'field', profile: 'gm', version: 2 });
      expect(started.activeKey('index')).toEqual({ purpose: 'index', profile: 'gm', version: 1 });
      expect(started.activeKey('audit').profile).toBe('gm');
      expect(started.activeKey('signing').profile).toBe('gm');
      expect(started.blindIndex('13912345678').startsWith('g1.')).toBe(true);
      expect(started.encrypt('x').startsWith('g2:')).toBe(true);
      expect(await AuditTrail.of(started).verify(handle.db)).toMatchObject({ ok: true });
      // Two rotations of different keys started at once: one job; the other start is refused or resumes it.
      const ring = await openDataKey(handle.db, {
        env: { LIANJIAN_DATA_KEY: master.toString('base64') },
        record: false,
      });
      const both = await Promise.allSettled([
        startKeyJob(handle.db, ring, AuditTrail.of(ring), { kind: 'rotate', purposes: ['index'] }),
        startKeyJob(handle.db, ring, AuditTrail.of(ring), { kind: 'rotate', purposes: ['signing'] }),
      ]);
      expect(both.some((r) => r.status === 'fulfilled' && !r.value.resumed)).toBe(true);
      const open = await handle.db.selectFrom('key_jobs').select('id').where('phase', '<>', 'done').execute();
      expect(open.length).toBe(1);
    } finally {
      await handle.close();
    }
  });
});
