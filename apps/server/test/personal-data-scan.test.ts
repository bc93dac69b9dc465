import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createDb, migrate } from '../src/db/index.ts';
import { DataCipher } from '../src/lib/crypto.ts';
import { idCheckChar } from '../src/lib/identity.ts';
import { hashPassword } from '../src/lib/passwords.ts';
import { seedDemo } from '../src/seed/demo.ts';
import { writeRegisterSample } from '../src/seed/register-sample.ts';
import { clearPersonalData } from './clear-personal-data.ts';
import { as, auditTrailGuard, login } from './helpers.ts';
import { rawDatabaseText } from './raw-database.ts';
import { scratchDatabases } from './scratch-db.ts';

const PASSWORD = 'Scan-Password-2020';
const id18 = (first17: string) => first17 + idCheckChar(first17);

describe('finding 8: no clear ID number or phone number at rest', () => {
  const scratch = scratchDatabases();
  afterAll(async () => scratch.cleanup());

  it('the scanner finds clear numbers the way a database stores them (control)', () => {
    const id = id18('41132119800101123');
    // Columns of a SQLite record lie side by side: a phone between a description and a status still counts.
    const record = Buffer.concat([
      Buffer.from([0x13, 0x01]),
      Buffer.from(`路灯坏了13812341234new${id}`),
      Buffer.from([0]),
    ]);
    expect(clearPersonalData(record)).toEqual({ idNumbers: [id], phones: ['13812341234'] });
    // Random tokens are not numbers: a UUID or a hash that happens to hold eleven digits in a row.
    expect(
      clearPersonalData(
        '4f3c1a2b-8ea7-4d91-9c2e-af744b17411321107 h1:ab13812341234cdef0123456789abcdef0123456789abcdef0123456789abcd',
      ),
    ).toEqual({ idNumbers: [], phones: [] });
    // Nor is a signing key's id (16 hex characters) that happens to hold a phone's eleven digits; a phone beside a
    // few letters that could be hex still counts.
    expect(clearPersonalData('key_id a17564326961f03b signed')).toEqual({ idNumbers: [], phones: [] });
    expect(clearPersonalData('回电13812341234cafe')).toEqual({ idNumbers: [], phones: ['13812341234'] });
    // Nor is a UUID cut across two overflow pages of the file (the next page's number stands between its halves).
    expect(clearPersonalData('"id":"58d815a8-7727-4\u0000\u00004jfb2-89fa-17139331349","label"')).toEqual({
      idNumbers: [],
      phones: [],
    });
    // Nor is a long run of base64 (a photo, a ciphertext) that holds eleven digits by chance; a clear phone beside a
    // ciphertext column still counts.
    expect(
      clearPersonalData(
        '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsL19288726876wQEhMPFBsZGxsaGRodHyUgHyIh',
      ),
    ).toEqual({ idNumbers: [], phones: [] });
    expect(clearPersonalData(`电话13812341234v1:AAECAwQFBgcICQoL:ZmFrZS10YWctZmFrZS10YQ:cGhvbmU`)).toEqual({
      idNumbers: [],
      phones: ['13812341234'],
    });
  });

  it('the raw database holds none after the demo county and a round of writes (SQLite file, or pg_dump)', async () => {
    const url = await scratch.create();
    const handle = createDb(url);
    const cipher = new DataCipher(randomBytes(32));
    await migrate(handle.db);
    await seedDemo(handle.db, await hashPassword(PASSWORD), cipher);
    const app = await buildApp({ db: handle, cipher });
    const trail = auditTrailGuard(app, handle);
    await app.ready();
    const outcomes: Record<string, number> = {};
    const note = <T extends { statusCode: number }>(what: string, res: T): T => {
      outcomes[what] = res.statusCode;
      return res;
    };
    const villages = await handle.db
      .selectFrom('regions')
      .select('code')
      .where('level', '=', 'village')
      .where('code', 'like', '411321106%')
      .orderBy('code')
      .limit(3)
      .execute();
    const village = (villages[0] as { code: string }).code;
    const chengVillage = (
      await handle.db
        .selectFrom('regions')
        .select('code')
        .where('level', '=', 'village')
        .where('code', 'like', '411321300%')
        .orderBy('code')
        .executeTakeFirstOrThrow()
    ).code;
    const head = id18('41132119710203301');
    const spouse = id18('41132119730405302');
    const elsewhere = id18('41132119650607303');
    const people = (ids: string[]) =>
      ids.map((idNumber, i) => ({
        name: i ? '韩秀珍' : '韩立新',
        relationship: i ? '配偶' : '户主',
        gender: i ? 'female' : 'male',
        idNumber,
        ...(i ? {} : { phone: '13838381234' }),
        health: i ? 'serious' : 'healthy',
        labour: 'normal',
      }));
    const household = (regionCode: string, ids: string[]) => ({
      regionCode,
      address: '二组12号',
      primaryCause: 'illness',
      income: { wages: 8000, business: 0, transfer: 1000, property: 0 },
      waterSafe: true,
      people: people(ids),
    });
    try {
      const qiao = as(app, await login(app, 'qiaoduan', PASSWORD));
      const cheng = as(app, await login(app, 'chengjiao', PASSWORD));
      const created = note('register', await qiao.post('/households', household(village, [head, spouse])));
      const householdId = created.json().id as string;
      note('register elsewhere', await cheng.post('/households', household(chengVillage, [elsewhere])));
      note(
        'duplicate attempt',
        await qiao.post('/households', household(village, [id18('41132119800808304'), elsewhere])),
      );
      note(
        'resident report',
        await app.inject({
          method: 'POST',
          url: '/api/v1/public/reports',
          payload: { regionCode: village, category: 'roads', description: '桥面裂了，请尽快修', phone: '15937776666' },
        }),
      );
      note(
        'numbers in a report',
        await app.inject({
          method: 'POST',
          url: '/api/v1/public/reports',
          payload: {
            regionCode: village,
            category: 'housing',
            description: `房子漏雨，户主身份证${spouse}，电话13700001111`,
          },
        }),
      );
      const hotline = note(
        'hotline report',
        await qiao.post('/reports', {
          source: 'hotline',
          regionCode: village,
          category: 'water',
          description: '水管爆了',
          reporterName: '韩立新',
          phone: '13838381234',
        }),
      );
      // The phone read in full to call back, and a dismissal whose reason (shown to the resident) names a number.
      note(
        'report unmask',
        await qiao.post(
          `/reports/${hotline.json().id}/unmask`,
          { reason: '电话回访' },
          { 'idempotency-key': 'scan-unmask-0002' },
        ),
      );
      note(
        'report dismissal',
        await qiao.post(`/reports/${hotline.json().id}/dismiss`, {
          kind: 'duplicate',
          reason: '与已受理的反映重复，已回电13838381234说明',
        }),
      );
      note(
        'search',
        await qiao.post('/households/search', { idNumber: spouse }, { 'idempotency-key': 'scan-search-0001' }),
      );
      note(
        'unmask',
        await qiao.post(
          `/households/${householdId}/unmask`,
          { reason: '核对低保材料' },
          { 'idempotency-key': 'scan-unmask-0001' },
        ),
      );
      const grant = note(
        'export',
        await qiao.post('/exports', { kind: 'households', params: { idNumber: head }, reason: '年度核查' }),
      );
      note('download', await qiao.get(String(grant.json().downloadUrl).replace('/api/v1', '')));
      // A register import, and one refused for its mistakes (its error report is kept).
      const good = path.join(scratch.dir, 'register.csv');
      await writeRegisterSample(good, { rows: 40, villages: villages.map((v) => v.code), serial: 7 });
      const bad = path.join(scratch.dir, 'register-bad.csv');
      await writeRegisterSample(bad, { rows: 12, villages: villages.map((v) => v.code), serial: 8, badRow: 3 });
      for (const [name, file] of [
        ['import', good],
        ['refused import', bad],
      ] as const) {
        const res = note(
          name,
          await qiao.post(
            `/household-imports?fileName=${name === 'import' ? 'r.csv' : 'bad.csv'}`,
            fs.readFileSync(file),
            { 'content-type': 'application/octet-stream' },
          ),
        );
        await app.householdImports.settled(res.json().id);
      }
    } finally {
      await trail.settled();
      await app.close();
    }
    trail.assertHeld();
    try {
      const found = clearPersonalData(await rawDatabaseText(handle, url));
      expect(found).toEqual({ idNumbers: [], phones: [] });
      // The writes did happen (the register holds the imported people), so the scan above read something.
      expect(outcomes).toMatchObject({
        register: 201,
        'register elsewhere': 201,
        'duplicate attempt': 409,
        'resident report': 201,
        'numbers in a report': 201,
        'hotline report': 201,
        'report unmask': 200,
        'report dismissal': 204,
        search: 200,
        unmask: 200,
        export: 201,
        download: 200,
        import: 202,
        'refused import': 202,
      });
      const n = await handle.db
        .selectFrom('household_people')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBeGreaterThan(1000);
    } finally {
      await handle.close();
    }
  }, 180_000);
});
