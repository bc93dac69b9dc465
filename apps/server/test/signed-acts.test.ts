import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { addDays, todayInShanghai } from '@lianjian/shared';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, migrate } from '../src/db/index.ts';
import { type CryptoProfile, DataCipher } from '../src/lib/crypto.ts';
import { excel } from '../src/lib/excel.ts';
import { idCheckChar } from '../src/lib/identity.ts';
import { ActSigner, type SignatureAlg, sm2Verify, verificationCode } from '../src/lib/signatures.ts';
import { unsignedActs, verifySignatures } from '../src/modules/signatures/signatures.service.ts';
import { openDataKey } from '../src/setup.ts';
import { runCli } from './cli-process.ts';
import { earlier } from './earlier.ts';
import { PASSWORD, buildCounty } from './factories.ts';
import type { Client, TestApp } from './helpers.ts';
import { as, login, testApp } from './helpers.ts';
import { registerHousehold } from './households-fixture.ts';
import { scratchDatabases } from './scratch-db.ts';
import { type Ctx, useCounty } from './setup-county.ts';

const ALL_MET = ['income', 'food', 'clothing', 'education', 'medical', 'housing', 'water'].map((criterion) => ({
  criterion,
  met: true,
  evidence: `${criterion}：入户核实`,
}));

let seq = 700;
const idNumber = (year: number) => {
  seq += 1;
  const first17 = `411321${year}0620${String(seq).slice(-3)}`;
  return first17 + idCheckChar(first17);
};

/** A household of 白河新村 taken through the exit procedure up to public notice that has run its days. */
async function exitInNotice(t: TestApp, qiao: Client, county: Ctx['county']) {
  const household = await qiao.post('/households', {
    regionCode: '411321106200',
    address: '白河新村7号楼',
    primaryCause: 'illness',
    income: { wages: 12000, business: 0, transfer: 2400, property: 0 },
    waterSafe: true,
    people: [
      {
        name: '孙长林',
        relationship: '户主',
        gender: 'male',
        idNumber: idNumber(1966),
        health: 'healthy',
        labour: 'normal',
      },
    ],
  });
  const householdId = household.json().id as string;
  await qiao.post(`/households/${householdId}/helpers`, {
    memberId: county.members.qiaoOther,
    role: 'cadre',
    primary: true,
    reason: '结对',
    startOn: '2019-01-01',
  });
  const id = (await qiao.post('/exit-applications', { householdId, source: 'household' })).json().id as string;
  const step = async (to: string, extra: object = {}) => {
    const version = (await qiao.get(`/exit-applications/${id}`)).json().version;
    const verifier = to === 'verified' ? { verifier: { unitId: county.units.workTeam }, criteria: ALL_MET } : {};
    return qiao.post(`/exit-applications/${id}/transitions`, { to, version, ...verifier, ...extra });
  };
  for (const to of ['reviewed', 'verified', 'acknowledged', 'in_notice']) expect((await step(to)).statusCode).toBe(204);
  return {
    id,
    householdId,
    step,
    announceAfterNotice: async () => {
      await earlier(t.db.db, 'exit', id, 7);
      return step('announced');
    },
  };
}

async function dissolveChengBranch(cheng: Client, county: Ctx['county']) {
  const branch = (await cheng.get(`/orgs/${county.orgs.chengBranch.id}`)).json();
  return cheng.post(`/orgs/${county.orgs.chengBranch.id}/dissolve`, {
    dissolvedOn: '2021-01-10',
    backdateReason: '补录',
    reason: '任务完成',
    version: branch.version,
  });
}

/** The database owner's way round the signatures' append-only trigger. */
async function dropSignaturesAppendOnly(t: TestApp) {
  if (t.db.dialect === 'postgres') await sql`drop trigger signatures_append_only on signatures`.execute(t.db.db);
  else {
    await sql`drop trigger signatures_no_update`.execute(t.db.db);
    await sql`drop trigger signatures_no_delete`.execute(t.db.db);
  }
}

const ALG: Record<CryptoProfile, SignatureAlg> = { gm: 'sm2-sm3', standard: 'ed25519' };

for (const profile of ['standard', 'gm'] as const) {
  describe(`issue 26 §3: the acts that matter are signed (${profile}: ${ALG[profile]})`, () => {
    const cipher = new DataCipher(randomBytes(32), profile);
    const signer = ActSigner.of(cipher);
    const ctx = useCounty(cipher);

    it('an exit announced is signed in its transaction over its facts, named in its audit event, and its code shown on the application', async () => {
      const qiao = await ctx.user('qiaoduan');
      const exit = await exitInNotice(ctx.t, qiao, ctx.county);
      // Refused (the notice has not run its days): nothing is signed.
      expect((await exit.step('announced')).statusCode).toBe(409);
      expect(await ctx.t.db.db.selectFrom('signatures').selectAll().execute()).toEqual([]);
      expect((await exit.announceAfterNotice()).statusCode).toBe(204);

      const rows = await ctx.t.db.db.selectFrom('signatures').selectAll().execute();
      expect(rows).toHaveLength(1);
      const s = rows[0] as (typeof rows)[number];
      expect([s.act, s.entity_id, s.alg]).toEqual(['exit.announced', exit.id, ALG[profile]]);
      const content = JSON.parse(s.content_json);
      expect(content).toMatchObject({
        act: 'exit.announced',
        entityId: exit.id,
        signedAt: s.signed_at,
        facts: { householdId: exit.householdId, announcedOn: todayInShanghai(), noticeDays: 7 },
      });
      expect(content.facts.criteria).toHaveLength(7);
      const code = verificationCode({ alg: s.alg as SignatureAlg, sig: s.sig });
      const app = (await qiao.get(`/exit-applications/${exit.id}`)).json();
      expect(app.verificationCode).toBe(code);
      const event = await ctx.t.db.db
        .selectFrom('audit_events')
        .select('after_json')
        .where('action', '=', 'exit.transition')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(event.after_json ?? '{}').signed).toEqual({ act: 'exit.announced', entityId: exit.id, code });
      expect(await verifySignatures(ctx.t.db.db, signer)).toEqual({ ok: true, count: 1, failure: null });

      // Anyone can check it with the key published at the stable address, without an account.
      const keys = await ctx.t.app.inject({ method: 'GET', url: '/api/v1/public/signing-keys' });
      expect(keys.statusCode).toBe(200);
      const published = keys.json().keys as {
        alg: string;
        keyId: string;
        publicKeyHex: string;
        pem: string | null;
        current: boolean;
      }[];
      expect(published.map((k) => [k.alg, k.current])).toEqual([
        [ALG[profile], true],
        [profile === 'gm' ? 'ed25519' : 'sm2-sm3', false],
      ]);
      const key = published.find((k) => k.keyId === s.key_id);
      expect(key?.alg).toBe(s.alg);
      const bytes = Buffer.from(s.content_json, 'utf8');
      const holds =
        s.alg === 'sm2-sm3'
          ? sm2Verify(key?.publicKeyHex ?? '', bytes, s.sig)
          : verify(null, bytes, createPublicKey(key?.pem ?? ''), Buffer.from(s.sig, 'hex'));
      expect(holds).toBe(true);
    });

    it('a dissolution is signed over the organization, its groups and the memberships it ended', async () => {
      const cheng = await ctx.user('chengjiao');
      expect((await dissolveChengBranch(cheng, ctx.county)).statusCode).toBe(204);
      const s = await ctx.t.db.db.selectFrom('signatures').selectAll().executeTakeFirstOrThrow();
      expect([s.act, s.entity_id, s.alg]).toEqual(['org.dissolved', ctx.county.orgs.chengBranch.id, ALG[profile]]);
      const facts = JSON.parse(s.content_json).facts;
      expect(facts).toMatchObject({ dissolvedOn: '2021-01-10', groups: [ctx.county.orgs.chengGroup.id] });
      expect(facts.membershipsEnded.length).toBeGreaterThanOrEqual(2);
      for (const m of facts.membershipsEnded)
        expect([m.endOn, m.endReason]).toEqual(['2021-01-10', '组织撤销：任务完成']);
      expect(await verifySignatures(ctx.t.db.db, signer)).toMatchObject({ ok: true, count: 1 });
    });

    it('a monitoring decision, a ledger version and an export of personal data are signed, each over its own facts', async () => {
      const qiao = await ctx.user('qiaoduan');
      const db = ctx.t.db.db;
      // 纳入监测: an exited household, a case taken through its notice to the decision; steps before it are not acts.
      const householdId = await registerHousehold(qiao);
      await db
        .updateTable('households')
        .set({ status: 'exited', exit_year: 2019 })
        .where('id', '=', householdId)
        .execute();
      const caseId = (
        await qiao.post('/monitoring-cases', {
          householdId,
          category: 'unstable_exited',
          source: 'cadre_visit',
          risk: '妻子重病住院，医疗支出大',
        })
      ).json().id as string;
      const run = async (to: string) => {
        const version = (await qiao.get(`/monitoring-cases/${caseId}`)).json().version;
        return (await qiao.post(`/monitoring-cases/${caseId}/transitions`, { to, version })).statusCode;
      };
      expect([await run('consented'), await run('in_notice')]).toEqual([204, 204]);
      await earlier(db, 'monitoring', caseId, 5);
      expect(await run('township_reviewed')).toBe(204);
      expect(await db.selectFrom('signatures').selectAll().execute()).toEqual([]);
      expect(await run('monitored')).toBe(204);
      const decision = await db
        .selectFrom('monitoring_events')
        .select('id')
        .where('case_id', '=', caseId)
        .where('to_status', '=', 'monitored')
        .executeTakeFirstOrThrow();
      const m = await db.selectFrom('signatures').selectAll().executeTakeFirstOrThrow();
      expect([m.act, m.entity_id, m.alg]).toEqual(['monitoring.decided', decision.id, ALG[profile]]);
      expect(JSON.parse(m.content_json).facts).toMatchObject({ caseId, householdId, to: 'monitored' });
      const events = (await qiao.get(`/monitoring-cases/${caseId}`)).json().events;
      expect(events.map((ev: { verificationCode: string | null }) => ev.verificationCode)).toEqual([
        ...events.slice(0, -1).map(() => null),
        verificationCode({ alg: m.alg as SignatureAlg, sig: m.sig }),
      ]);

      // A ledger version: its inputs and rows signed by their digests under the algorithm's hash.
      const admin = await ctx.user('admin');
      const scheme = await admin.put('/assessment-schemes', {
        year: 2020,
        tier: 'township',
        name: '2020年度考核',
        indicators: [{ key: 'satisfaction', dimension: 'results', name: '满意度', weight: 100, method: 'scored' }],
      });
      expect(scheme.statusCode, scheme.body).toBeLessThan(300);
      const ledger = await qiao.post('/ledgers', { year: 2020, tier: 'township' });
      expect(ledger.statusCode, ledger.body).toBe(201);
      const l = await db
        .selectFrom('signatures')
        .selectAll()
        .where('act', '=', 'ledger.computed')
        .executeTakeFirstOrThrow();
      expect(l.entity_id).toBe(ledger.json().id);
      const row = await db.selectFrom('ledgers').selectAll().where('id', '=', l.entity_id).executeTakeFirstOrThrow();
      const hash = profile === 'gm' ? 'sm3' : 'sha256';
      expect(JSON.parse(l.content_json).facts).toMatchObject({
        version: 1,
        rows: `${hash}:${createHash(hash).update(row.rows_json).digest('hex')}`,
        inputs: `${hash}:${createHash(hash).update(row.inputs_json).digest('hex')}`,
      });

      // The ledger's reply and its printed (XLSX) form carry the signature's code.
      const ledgerCode = verificationCode({ alg: l.alg as SignatureAlg, sig: l.sig });
      expect((await qiao.get(`/ledgers/${l.entity_id}`)).json().verificationCode).toBe(ledgerCode);
      expect((await qiao.get('/ledgers?year=2020')).json().items[0].verificationCode).toBe(ledgerCode);
      const xlsx = await qiao.get(`/ledgers/${l.entity_id}/export.xlsx`);
      expect(xlsx.statusCode).toBe(200);
      const book = new (await excel()).Workbook();
      await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const cells: string[] = [];
      book.worksheets[0]?.eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
      expect(cells.some((c) => c.includes(`签名核验码 ${ledgerCode}`))).toBe(true);

      // An export of personal data: who, which, why, until when.
      const grant = await qiao.post('/exports', { kind: 'households', params: {}, reason: '乡镇年度帮扶核查' });
      expect(grant.statusCode).toBe(201);
      const e = await db
        .selectFrom('signatures')
        .selectAll()
        .where('act', '=', 'export.granted')
        .executeTakeFirstOrThrow();
      expect(e.entity_id).toBe(grant.json().id);
      expect(JSON.parse(e.content_json).facts).toMatchObject({ kind: 'households', reason: '乡镇年度帮扶核查' });
      expect(grant.json().verificationCode).toBe(verificationCode({ alg: e.alg as SignatureAlg, sig: e.sig }));
      expect(await verifySignatures(db, signer)).toEqual({ ok: true, count: 3, failure: null });

      // A ledger's rows rewritten afterwards, or an export's reason: each fails.
      await db.updateTable('ledgers').set({ rows_json: '[]' }).where('id', '=', l.entity_id).execute();
      expect((await verifySignatures(db, signer)).failure).toMatchObject({
        act: 'ledger.computed',
        reason: 'content_changed',
      });
      await db.updateTable('ledgers').set({ rows_json: row.rows_json }).where('id', '=', l.entity_id).execute();
      await db.updateTable('export_grants').set({ reason: '其他' }).where('id', '=', e.entity_id).execute();
      expect((await verifySignatures(db, signer)).failure).toMatchObject({
        act: 'export.granted',
        reason: 'content_changed',
      });
    });

    it('acts without a signature (loaded, or written outside the application) are counted, not passed over', async () => {
      const db = ctx.t.db.db;
      const before = await unsignedActs(db);
      expect((await dissolveChengBranch(await ctx.user('chengjiao'), ctx.county)).statusCode).toBe(204);
      // Signed through the application: the count does not move; its party group is signed within the branch.
      expect(await unsignedActs(db)).toEqual(before);
      // An organization set to dissolved in the database, as a load from elsewhere would: counted, and still `ok`.
      await db
        .updateTable('temporary_orgs')
        .set({ status: 'dissolved', dissolved_on: '2021-02-01' })
        .where('id', '=', ctx.county.orgs.qiaoBranch.id)
        .execute();
      expect((await unsignedActs(db))['org.dissolved']).toBe((before['org.dissolved'] ?? 0) + 1);
      expect((await verifySignatures(db, signer)).ok).toBe(true);
    });

    it('a fact changed in the records, a changed signature, a key of one’s own or a deleted signature fails the check', async () => {
      const qiao = await ctx.user('qiaoduan');
      const exit = await exitInNotice(ctx.t, qiao, ctx.county);
      expect((await exit.announceAfterNotice()).statusCode).toBe(204);
      expect((await dissolveChengBranch(await ctx.user('chengjiao'), ctx.county)).statusCode).toBe(204);
      const db = ctx.t.db.db;
      expect(await verifySignatures(db, signer)).toMatchObject({ ok: true, count: 2 });

      // The signatures cannot be rewritten by the application.
      await expect(sql`update signatures set sig = 'x'`.execute(db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from signatures`.execute(db)).rejects.toThrow(/append-only/);

      // A fact of the act changed afterwards in the records: the announcement moved a day.
      const announcedOn = todayInShanghai();
      await db
        .updateTable('exit_applications')
        .set({ announced_on: addDays(announcedOn, -1) })
        .where('id', '=', exit.id)
        .execute();
      expect((await verifySignatures(db, signer)).failure).toMatchObject({
        entityId: exit.id,
        reason: 'content_changed',
      });
      await db.updateTable('exit_applications').set({ announced_on: announcedOn }).where('id', '=', exit.id).execute();
      // A membership the dissolution ended, said afterwards to have ended for another reason.
      const ended = await db
        .selectFrom('memberships')
        .select(['id', 'end_reason'])
        .where('end_reason', 'like', '组织撤销：%')
        .executeTakeFirstOrThrow();
      await db.updateTable('memberships').set({ end_reason: '调离' }).where('id', '=', ended.id).execute();
      expect((await verifySignatures(db, signer)).failure).toMatchObject({ reason: 'content_changed' });
      await db.updateTable('memberships').set({ end_reason: ended.end_reason }).where('id', '=', ended.id).execute();
      expect((await verifySignatures(db, signer)).ok).toBe(true);

      // By the database's owner, round the trigger.
      await dropSignaturesAppendOnly(ctx.t);
      const s = await db
        .selectFrom('signatures')
        .selectAll()
        .where('entity_id', '=', exit.id)
        .executeTakeFirstOrThrow();
      const flipped = Buffer.from(s.sig, 'hex');
      flipped[10] = (flipped[10] as number) ^ 1;
      await db
        .updateTable('signatures')
        .set({ sig: flipped.toString('hex') })
        .where('id', '=', s.id)
        .execute();
      expect((await verifySignatures(db, signer)).failure).toMatchObject({
        entityId: exit.id,
        reason: 'signature_invalid',
      });

      // Content and signature both remade with a key of one's own: the key is not the published one.
      const forger = ActSigner.of(new DataCipher(randomBytes(32), profile));
      const forged = forger.sign(Buffer.from(s.content_json, 'utf8'));
      await db
        .updateTable('signatures')
        .set({ sig: forged.sig, key_id: forged.keyId })
        .where('id', '=', s.id)
        .execute();
      expect((await verifySignatures(db, signer)).failure).toMatchObject({ reason: 'signature_invalid' });
      await db.updateTable('signatures').set({ sig: forged.sig, key_id: s.key_id }).where('id', '=', s.id).execute();
      expect((await verifySignatures(db, signer)).failure).toMatchObject({ reason: 'signature_invalid' });

      // Deleted: the audit trail says the act was signed.
      await db.deleteFrom('signatures').where('id', '=', s.id).execute();
      expect((await verifySignatures(db, signer)).failure).toMatchObject({
        entityId: exit.id,
        reason: 'signature_missing',
      });
    });
  });
}

describe('lianjian verify-signatures', () => {
  const scratch = scratchDatabases();
  afterAll(async () => scratch.cleanup());

  for (const profile of ['standard', 'gm'] as const) {
    it(`exits 0 on intact signatures and non-zero, naming the act, on a changed fact; so does verify (${profile})`, async () => {
      const key = randomBytes(32);
      const cipher = new DataCipher(key, profile);
      const url = await scratch.create();
      const handle = createDb(url);
      await migrate(handle.db);
      const county = await buildCounty(handle.db);
      await openDataKey(handle.db, { cipher, print: () => {} });
      const t = await testApp(handle, cipher);
      try {
        const cheng = as(t.app, await login(t.app, 'chengjiao', PASSWORD));
        expect((await dissolveChengBranch(cheng, county)).statusCode).toBe(204);
      } finally {
        await t.close();
      }
      const env = { DATABASE_URL: url, LIANJIAN_DATA_KEY: key.toString('base64'), LIANJIAN_CRYPTO: profile };
      const good = await runCli(['verify-signatures'], env);
      expect([good.code, good.output.trim().split('\n')[0]]).toEqual([0, 'signatures verified: 1']);
      const again = createDb(url);
      try {
        await again.db
          .updateTable('temporary_orgs')
          .set({ dissolved_on: '2021-01-11' })
          .where('id', '=', county.orgs.chengBranch.id)
          .execute();
      } finally {
        await again.close();
      }
      const bad = await runCli(['verify-signatures'], env);
      expect(bad.code).toBe(1);
      expect(bad.output).toContain(`org.dissolved ${county.orgs.chengBranch.id}`);
      // `lianjian verify` (and so `restore`) checks the signatures too.
      const whole = await runCli(['verify'], env);
      expect(whole.code).toBe(1);
      expect(whole.output).toContain(
        `signature check FAILED: org.dissolved ${county.orgs.chengBranch.id} (content_changed)`,
      );
    });
  }
});
