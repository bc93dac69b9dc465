import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, migrate } from '../src/db/index.ts';
import { loadConfig } from '../src/lib/config.ts';
import { DataCipher } from '../src/lib/crypto.ts';
import { prepareDatabase } from '../src/setup.ts';
import { clearPersonalData } from './clear-personal-data.ts';
import { buildCounty } from './factories.ts';
import { newIdNumber } from './households-fixture.ts';
import type { Client } from './helpers.ts';
import { rawDatabaseText } from './raw-database.ts';
import { scratchDatabases } from './scratch-db.ts';
import { useCounty } from './setup-county.ts';

const cipher = new DataCipher(randomBytes(32));

const person = (idNumber: string, over: Record<string, unknown> = {}) => ({
  name: '周丽',
  relationship: '户主',
  gender: 'female',
  idNumber,
  health: 'healthy',
  labour: 'normal',
  ...over,
});

const household = (regionCode: string, people: Record<string, unknown>[]) => ({
  regionCode,
  address: '一组8号',
  primaryCause: 'illness',
  income: { wages: 6000, business: 0, transfer: 1200, property: 0 },
  waterSafe: true,
  people,
});

/** 城郊乡 registers a household of `size` (head first); their ID numbers are returned with its id. */
async function registeredInChengjiao(cheng: Client, size = 1) {
  const ids = Array.from({ length: size }, () => newIdNumber(1980));
  const people = ids.map((id, i) =>
    person(id, i === 0 ? { name: '孙玉兰' } : { name: `孙${i}`, relationship: '子女' }),
  );
  const res = await cheng.post('/households', household('411321300214', people));
  expect(res.statusCode).toBe(201);
  return { id: res.json().id as string, ids };
}

describe('finding 7: an ID number is no oracle for the register outside one’s scope', () => {
  const ctx = useCounty(cipher);

  it('a person registered in another township is refused without saying where, and the attempt is audited by its blind index', async () => {
    const cheng = await ctx.user('chengjiao');
    const qiao = await ctx.user('qiaoduan');
    const theirs = await registeredInChengjiao(cheng);
    const taken = theirs.ids[0] as string;

    const refused = await qiao.post(
      '/households',
      household('411321106200', [person(newIdNumber(1975)), person(taken, { relationship: '配偶' })]),
    );
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('person_not_registrable');
    // Nothing of the other township's record: not its household, head, village or township.
    for (const secret of [theirs.id, '孙玉兰', '柴岗村', '城郊乡', taken]) expect(refused.body).not.toContain(secret);
    expect(refused.json().errors).toEqual([{ path: 'body.people.1.idNumber', message: 'not_registrable' }]);

    // In one's own scope the refusal names the household, which the caller may open anyway.
    const again = await cheng.post('/households', household('411321300215', [person(taken)]));
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('person_already_registered');
    expect(again.json().errors).toEqual([{ path: 'body.people.0.idNumber', message: theirs.id }]);

    // The search by ID number, the other door to the same question, reaches only the caller's scope.
    const searched = await qiao.post('/households/search', { idNumber: taken });
    expect([searched.statusCode, searched.json().total]).toEqual([200, 0]);
    expect(searched.body).not.toContain(theirs.id);

    // Nothing was written but the attempt, which the audit administrator sees with the blind index only.
    expect(
      Number(
        (
          await ctx.t.db.db
            .selectFrom('households')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(1);
    const trail = (await (await ctx.user('auditor')).get('/audit-events?action=household.duplicate_attempt')).json();
    expect(trail.items).toHaveLength(1);
    expect(trail.items[0]).toMatchObject({
      username: 'qiaoduan',
      entityType: 'household',
      entityId: theirs.id,
      after: { person: 2, regionCode: '411321106200', idNumberIndex: cipher.blindIndex(taken) },
    });
    const raw = JSON.stringify(await ctx.t.db.db.selectFrom('audit_events').selectAll().execute());
    expect(raw).not.toContain(taken);
  });

  it('probing is bounded: after five numbers registered elsewhere, every registration of the account is paused alike, even when sent at once', async () => {
    const cheng = await ctx.user('chengjiao');
    const qiao = await ctx.user('qiaoduan');
    const theirs = await registeredInChengjiao(cheng, 12);
    const probe = (id: string) => qiao.post('/households', household('411321106200', [person(id)]));
    for (const id of theirs.ids.slice(0, 4)) expect((await probe(id)).json().code).toBe('person_not_registrable');

    // Ten at once, registered elsewhere or not: one more answer is given, then the account is paused for all.
    const batch = await Promise.all([
      ...theirs.ids.slice(4, 11).map(probe),
      probe(newIdNumber(1990)),
      probe(newIdNumber(1991)),
      probe(newIdNumber(1992)),
    ]);
    const codes = batch.map((r) => (r.statusCode < 300 ? 'created' : r.json().code));
    expect(codes.filter((c) => c === 'person_not_registrable')).toHaveLength(1);
    expect(
      codes.filter((c) => c !== 'created' && c !== 'person_not_registrable').every((c) => c === 'registration_paused'),
    ).toBe(true);
    for (const r of batch.filter((x) => x.json().code === 'registration_paused')) expect(r.statusCode).toBe(429);

    // Afterwards a number registered nowhere gets the same answer as one registered elsewhere.
    const fresh = await probe(newIdNumber(1993));
    const known = await probe(theirs.ids[11] as string);
    expect([fresh.statusCode, fresh.json().code, fresh.json().detail]).toEqual([
      429,
      'registration_paused',
      known.json().detail,
    ]);
    expect([known.statusCode, known.json().code]).toEqual([429, 'registration_paused']);
    // Every attempt on a number registered elsewhere is in the trail, the paused ones too.
    const attempts = await ctx.t.db.db
      .selectFrom('audit_events')
      .select('after_json')
      .where('action', '=', 'household.duplicate_attempt')
      .execute();
    expect(attempts).toHaveLength(4 + 7 + 1);
  });

  it('one person, one registration, even when two registrations of the same person arrive at once', async () => {
    const qiao = await ctx.user('qiaoduan');
    const shared = newIdNumber(1966);
    const batch = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        qiao.post(
          '/households',
          household(i % 2 ? '411321106200' : '411321106201', [
            person(newIdNumber(1970)),
            person(shared, { relationship: '配偶' }),
          ]),
        ),
      ),
    );
    expect(batch.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of batch.filter((x) => x.statusCode === 409)) expect(r.json().code).toBe('person_already_registered');
    const rows = await ctx.t.db.db
      .selectFrom('household_people')
      .select('id')
      .where('id_number_index', '=', cipher.blindIndex(shared))
      .execute();
    expect(rows).toHaveLength(1);
  });
});

describe('finding 8: residents’ phone numbers are encrypted at rest', () => {
  const ctx = useCounty(cipher);

  it('a resident’s phone is kept only encrypted: the report row holds ciphertext, staff see it masked', async () => {
    const submitted = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/public/reports',
      payload: {
        regionCode: '411321106200',
        category: 'roads',
        description: '村口的路塌了一段，车过不去',
        phone: '13712345678',
      },
    });
    expect(submitted.statusCode).toBe(201);
    const qiao = await ctx.user('qiaoduan');
    const entered = await qiao.post('/reports', {
      source: 'hotline',
      regionCode: '411321106201',
      category: 'water',
      description: '自来水停了三天',
      reporterName: '刘大爷',
      phone: '15898765432',
    });
    expect(entered.statusCode).toBe(201);

    const rows = await ctx.t.db.db.selectFrom('reports').selectAll().orderBy('created_at').execute();
    const raw = JSON.stringify(rows);
    expect(raw).not.toContain('13712345678');
    expect(raw).not.toContain('15898765432');
    expect(rows.map((r) => cipher.decrypt((r as { phone_enc: string }).phone_enc))).toEqual([
      '13712345678',
      '15898765432',
    ]);
    const shown = (await qiao.get('/reports'))
      .json()
      .items.map((r: { phone: string }) => r.phone)
      .sort();
    expect(shown).toEqual(['137****5678', '158****5432']);
  });
});

describe('finding 8: numbers typed into a report’s text', () => {
  const ctx = useCounty(cipher);

  it('a phone or ID number written into a report’s description is masked there, and the phone is kept encrypted for the call back', async () => {
    const idNumber = newIdNumber(1958);
    const submitted = await ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/public/reports',
      payload: {
        regionCode: '411321106200',
        category: 'housing',
        description: `我家房子漏雨，身份证${idNumber}，请打我电话 18612345678`,
        photos: [],
      },
    });
    expect(submitted.statusCode).toBe(201);
    const row = await ctx.t.db.db.selectFrom('reports').selectAll().executeTakeFirstOrThrow();
    const raw = JSON.stringify([row, await ctx.t.db.db.selectFrom('audit_events').selectAll().execute()]);
    expect(clearPersonalData(raw)).toEqual({ idNumbers: [], phones: [] });
    expect(row.description).toBe(
      `我家房子漏雨，身份证${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}，请打我电话 186****5678`,
    );
    expect(cipher.decrypt(row.phone_enc as string)).toBe('18612345678');
    const shown = (await (await ctx.user('qiaoduan')).get('/reports')).json().items[0];
    expect([shown.description, shown.phone]).toEqual([row.description, '186****5678']);
  });
});

describe('finding 8: personal data kept in clear before the upgrade', () => {
  const scratch = scratchDatabases();
  afterAll(async () => scratch.cleanup());

  it('residents’ phones and the ID numbers of export links are sealed when the server starts, and leave no trace in the database file', async () => {
    const url = await scratch.create();
    const handle = createDb(url);
    try {
      await migrate(handle.db);
      await buildCounty(handle.db);
      // A report as the server stored it before: the phone in its own clear column.
      const now = new Date().toISOString();
      const legacy = ['13566667777', '18800001111'];
      for (const [i, phone] of legacy.entries()) {
        await sql`insert into reports (id, tracking_hash, source, region_code, org_id, category, description, reporter_name, phone, status, created_by, reported_at, version, created_at, updated_at)
          values (${`00000000-0000-4000-8000-00000000000${i}`}, ${`legacy-${i}`}, 'resident', '411321106200', null, 'roads', '路灯坏了很久了', null, ${phone}, 'new', null, ${now}, 1, ${now}, ${now})`.execute(
          handle.db,
        );
      }
      // An export link as it was kept before: the register filter with the ID number in clear.
      const idNumber = newIdNumber(1961);
      const userId = (
        await handle.db.selectFrom('users').select('id').where('username', '=', 'qiaoduan').executeTakeFirstOrThrow()
      ).id;
      await handle.db
        .insertInto('export_grants')
        .values({
          id: '00000000-0000-4000-8000-0000000000e1',
          user_id: userId,
          kind: 'households',
          params_json: JSON.stringify({ status: 'registered', idNumber }),
          reason: '核查',
          created_at: now,
          expires_at: now,
        })
        .execute();
      expect(clearPersonalData(await rawDatabaseText(handle, url))).toEqual({ idNumbers: [idNumber], phones: legacy });

      await prepareDatabase(handle, loadConfig({}), () => undefined, cipher);

      expect(clearPersonalData(await rawDatabaseText(handle, url))).toEqual({ idNumbers: [], phones: [] });
      const grant = await handle.db.selectFrom('export_grants').select('params_json').executeTakeFirstOrThrow();
      expect(JSON.parse(grant.params_json)).toEqual({
        status: 'registered',
        idNumberIndex: cipher.blindIndexes(idNumber),
      });
      const rows = await sql<{
        phone: string | null;
        phone_enc: string | null;
      }>`select phone, phone_enc from reports order by id`.execute(handle.db);
      expect(rows.rows.map((r) => r.phone)).toEqual([null, null]);
      expect(rows.rows.map((r) => cipher.decrypt(r.phone_enc as string))).toEqual(legacy);
      // Started again, nothing is left to seal and nothing changes.
      await prepareDatabase(handle, loadConfig({}), () => undefined, cipher);
      const again = await sql<{ phone_enc: string }>`select phone_enc from reports order by id`.execute(handle.db);
      expect(again.rows.map((r) => r.phone_enc)).toEqual(rows.rows.map((r) => r.phone_enc));
    } finally {
      await handle.close();
    }
  }, 60_000);
});
