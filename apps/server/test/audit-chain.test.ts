import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Migrator } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, migrate } from '../src/db/index.ts';
import { DataCipher } from '../src/lib/crypto.ts';
import { verifyUrl } from '../src/ops/backup.ts';
import { type ChainRow, KEYED_LINK, canonical, dropAppendOnly } from './audit-fixtures.ts';
import { runCli, stop } from './cli-process.ts';
import { PASSWORD, buildCounty } from './factories.ts';
import { as, login, testApp } from './helpers.ts';
import { scratchDatabases } from './scratch-db.ts';
import { countyDatabase, session, startServer, trailOf } from './server-process.ts';
import { useCounty } from './setup-county.ts';

const GENESIS = '0'.repeat(64);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

type Row = ChainRow;

async function post(base: string, headers: Record<string, string>, path: string, body: unknown, method = 'POST') {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

describe('the audit chain cannot be rewritten without the key', () => {
  const scratch = scratchDatabases();
  afterAll(async () => scratch.cleanup());

  it('a keyed chain accepts only keyed links: rewritten without the key in any form, it fails verify-audit, GET /audit/verify and lianjian verify', async () => {
    const key = randomBytes(32).toString('base64');
    const audit = trailOf(key);
    const url = await countyDatabase(scratch);
    const { child, base } = await startServer(url, key, { LIANJIAN_DAILY_SNAPSHOTS: 'off' });
    const handle = createDb(url);
    try {
      // The trail as a running server writes it: logins, changes, reports.
      const qiao = await session(base);
      for (let i = 0; i < 6; i++) {
        await post(base, qiao, '/reports', {
          source: 'visit',
          regionCode: '411321106200',
          category: 'electricity',
          description: `走访发现第${i}处线路老化`,
        });
      }
      const auditor = await session(base, 'auditor');
      const db = handle.db;
      const httpVerify = async () =>
        (await (await fetch(`${base}/api/v1/audit/verify`, { headers: auditor })).json()) as { ok: boolean };
      const paths = async () => ({
        'verify-audit (shared verifier)': (await audit.verify(db)).ok,
        'GET /audit/verify': (await httpVerify()).ok,
        'lianjian verify (ops)': (await verifyUrl(url, audit)).audit.ok,
      });
      expect(Object.values(await paths())).toEqual([true, true, true]);

      await dropAppendOnly(handle);
      const rows = (await db.selectFrom('audit_events').selectAll().orderBy('seq').execute()) as unknown as Row[];
      const head = (await db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow()) as unknown as Record<
        string,
        unknown
      >;
      const n = rows.length;
      expect(n).toBeGreaterThanOrEqual(7);
      expect(rows.every((r) => KEYED_LINK.test(r.hash))).toBe(true);
      const reset = async () => {
        await db.deleteFrom('audit_events').execute();
        await db.deleteFrom('audit_head').execute();
        for (const r of rows)
          await db
            .insertInto('audit_events')
            .values(r as never)
            .execute();
        await db
          .insertInto('audit_head')
          .values(head as never)
          .execute();
      };
      const setHead = (values: Record<string, unknown>) =>
        db
          .updateTable('audit_head')
          .set(values as never)
          .where('id', '=', 1)
          .execute();
      // An event's content changed, then every hash recomputed from the first event on, without the key.
      const edited = rows.map((r) => (r.seq === 3 ? { ...r, after_json: '{"description":"篡改"}' } : r));
      const rechain = async (mark: (h: string) => string, list: Row[] = edited) => {
        let prev = GENESIS;
        for (const r of list) {
          const hash = mark(sha256(canonical(prev, r)));
          await db
            .updateTable('audit_events')
            .set({ prev_hash: prev, hash, after_json: r.after_json as string | null })
            .where('seq', '=', r.seq)
            .execute();
          prev = hash;
        }
        await setHead({ count: list.length, last_hash: prev });
      };
      const at = (seq: number) => rows[seq - 1] as Row;
      // An event nobody recorded, hashed as well as one can without the key.
      const invented = (seq: number, prev: string) => {
        const e = { ...at(2), seq, id: `invented-${seq}`, action: 'report.dismiss', prev_hash: prev };
        return { ...e, hash: `h1:${sha256(canonical(prev, e))}` };
      };

      const forgeries: Record<string, () => Promise<unknown>> = {
        'every hash recomputed as plain SHA-256': () => rechain((h) => h),
        'plain SHA-256 marked as keyed (h1:)': () => rechain((h) => `h1:${h}`),
        'plain SHA-256 marked with another algorithm (h2:)': () => rechain((h) => `h2:${h}`),
        'plain SHA-256 marked sha256:': () => rechain((h) => `sha256:${h}`),
        'the keyed mark upper-cased (H1:)': () => rechain((h) => `H1:${h}`),
        'the last three events deleted, the head set to the new last one': async () => {
          await db
            .deleteFrom('audit_events')
            .where('seq', '>', n - 3)
            .execute();
          await setHead({ count: n - 3, last_hash: at(n - 3).hash });
        },
        'every event and the head deleted': async () => {
          await db.deleteFrom('audit_events').execute();
          await db.deleteFrom('audit_head').execute();
        },
        'a middle event deleted': () => db.deleteFrom('audit_events').where('seq', '=', 3).execute(),
        'a middle event deleted, the later ones renumbered': async () => {
          await db.deleteFrom('audit_events').where('seq', '=', 3).execute();
          for (let s = 4; s <= n; s++)
            await db
              .updateTable('audit_events')
              .set({ seq: s - 1 })
              .where('seq', '=', s)
              .execute();
          await setHead({ count: n - 1 });
        },
        'two events swapped': async () => {
          await db.updateTable('audit_events').set({ seq: -1 }).where('seq', '=', 3).execute();
          await db.updateTable('audit_events').set({ seq: 3 }).where('seq', '=', 4).execute();
          await db.updateTable('audit_events').set({ seq: 4 }).where('seq', '=', -1).execute();
        },
        "an event's prev_hash rewritten": () =>
          db
            .updateTable('audit_events')
            .set({ prev_hash: at(3).hash })
            .where('seq', '=', 5)
            .execute(),
        'an event edited, its hash left': () =>
          db.updateTable('audit_events').set({ after_json: '{}' }).where('seq', '=', 3).execute(),
        'the head pointing at an earlier event': () => setHead({ last_hash: at(n - 1).hash }),
        "the head's count one higher": () => setHead({ count: n + 1 }),
        'an event added after the last, the head left': () =>
          db
            .insertInto('audit_events')
            .values(invented(n + 1, at(n).hash) as never)
            .execute(),
        'an event added after the last, the head moved to it': async () => {
          const e = invented(n + 1, at(n).hash);
          await db
            .insertInto('audit_events')
            .values(e as never)
            .execute();
          await setHead({ count: n + 1, last_hash: e.hash });
        },
        'an event added before the first (seq 0)': () =>
          db
            .insertInto('audit_events')
            .values(invented(0, GENESIS) as never)
            .execute(),
      };
      if ('seal' in head) {
        forgeries["plain SHA-256, the head's seal cleared"] = async () => {
          await rechain((h) => h);
          await setHead({ seal: null });
        };
        forgeries['plain SHA-256, the head marked as waiting for its first seal'] = async () => {
          await rechain((h) => h);
          await setHead({ seal: 'pending' });
        };
        forgeries['the last three events deleted, the seal cleared'] = async () => {
          await db
            .deleteFrom('audit_events')
            .where('seq', '>', n - 3)
            .execute();
          await setHead({ count: n - 3, last_hash: at(n - 3).hash, seal: null });
        };
      }
      if ('legacy_upto' in head) {
        forgeries['plain SHA-256, the head claiming every event is from before the chain was keyed'] = async () => {
          await rechain((h) => h);
          await setHead({ legacy_upto: n });
        };
      }

      const accepted: string[] = [];
      for (const [name, forge] of Object.entries(forgeries)) {
        // As left, and after the application has gone on recording changes (which must not seal the forgery in).
        for (const later of [false, true]) {
          await reset();
          await forge();
          if (later) {
            await fetch(`${base}/api/v1/reports`, {
              method: 'POST',
              headers: { ...qiao, 'content-type': 'application/json' },
              body: JSON.stringify({
                source: 'visit',
                regionCode: '411321106200',
                category: 'electricity',
                description: '之后又有一条反映',
              }),
            });
          }
          for (const [where, ok] of Object.entries(await paths()))
            if (ok) accepted.push(`${name}${later ? ', then a change' : ''} — ${where}`);
        }
      }
      // The operator's commands, each in a process of its own, on the two forms the old verifier let through.
      const env = { DATABASE_URL: url, LIANJIAN_DATA_KEY: key };
      for (const [name, forge] of [
        ['every hash recomputed as plain SHA-256', forgeries['every hash recomputed as plain SHA-256']],
        ['the last three events deleted', forgeries['the last three events deleted, the head set to the new last one']],
      ] as const) {
        await reset();
        await forge?.();
        for (const command of ['verify-audit', 'verify']) {
          const r = await runCli([command], env);
          if (r.code === 0) accepted.push(`${name} — lianjian ${command}: ${r.output.trim().split('\n').at(-1)}`);
        }
      }
      expect(accepted).toEqual([]);

      // The untouched chain still verifies everywhere: the failures above are the forgeries', not the test's.
      await reset();
      expect(Object.values(await paths())).toEqual([true, true, true]);
    } finally {
      await stop(child);
      await handle.close();
    }
  }, 240_000);
});

describe('a chain from before the key keyed it', () => {
  const scratch = scratchDatabases();
  afterAll(async () => scratch.cleanup());

  it('is sealed once, at the first start with the key; an unkeyed rewrite after that fails even with the head marked as waiting again', async () => {
    const key = randomBytes(32).toString('base64');
    const audit = trailOf(key);
    const url = await scratch.create();
    const handle = createDb(url);
    const db = handle.db;
    let server: Awaited<ReturnType<typeof startServer>> | null = null;
    try {
      // A database as the versions before the keyed chain left it: plain SHA-256 links.
      const dir = path.resolve(import.meta.dirname, '../src/db/migrations');
      const before = fs.readdirSync(dir).filter((f) => /^\d{4}_.*\.ts$/.test(f) && f < '0021');
      const migrations = Object.fromEntries(
        await Promise.all(before.map(async (f) => [f.replace(/\.ts$/, ''), await import(path.join(dir, f))])),
      );
      const { error } = await new Migrator({
        db,
        provider: { getMigrations: async () => migrations },
      }).migrateToLatest();
      if (error) throw error;
      let prev = GENESIS;
      const legacy = 3;
      for (let seq = 1; seq <= legacy; seq++) {
        const r = {
          seq,
          id: `legacy-${seq}`,
          at: `2024-0${seq}-01T00:00:00.000Z`,
          user_id: null,
          request_id: 'cli',
          action: 'regions.import',
          entity_type: 'county',
          entity_id: '411321',
          before_json: null,
          after_json: `{"added":${seq}}`,
        };
        const hash = sha256(canonical(prev, r as unknown as Row));
        await db
          .insertInto('audit_events')
          .values({ ...r, prev_hash: prev, hash })
          .execute();
        prev = hash;
      }
      await db
        .insertInto('audit_head')
        .values({ id: 1, count: legacy, last_hash: prev } as never)
        .execute();
      await migrate(db);
      await buildCounty(db);
      server = await startServer(url, key, { LIANJIAN_DAILY_SNAPSHOTS: 'off' });
      await session(server.base);
      const sealed = await verifyUrl(url, audit);
      expect(sealed.audit).toMatchObject({ ok: true });
      // The old links are kept as they were, as evidence: the keyed links after them hold them in place.
      const rows = (await db.selectFrom('audit_events').selectAll().orderBy('seq').execute()) as unknown as Row[];
      expect(rows.slice(0, legacy).every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
      expect(rows.slice(legacy).every((r) => KEYED_LINK.test(r.hash))).toBe(true);
      await stop(server.child);
      server = null;

      // Someone rewrites the whole chain in the old form and makes the head look as if it had never been sealed.
      await dropAppendOnly(handle);
      let p = GENESIS;
      for (const r of rows) {
        const hash = sha256(canonical(p, r));
        await db.updateTable('audit_events').set({ prev_hash: p, hash }).where('seq', '=', r.seq).execute();
        p = hash;
      }
      const head = (await db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow()) as unknown as Record<
        string,
        unknown
      >;
      await db
        .updateTable('audit_head')
        .set({
          count: rows.length,
          last_hash: p,
          ...('seal' in head ? { seal: 'pending', legacy_upto: 0 } : {}),
        } as never)
        .where('id', '=', 1)
        .execute();
      // A restart does not seal it again, and every verification refuses it.
      server = await startServer(url, key, { LIANJIAN_DAILY_SNAPSHOTS: 'off' });
      const auditor = await session(server.base, 'auditor');
      const http = (await (await fetch(`${server.base}/api/v1/audit/verify`, { headers: auditor })).json()) as {
        ok: boolean;
      };
      expect({
        shared: (await audit.verify(db)).ok,
        http: http.ok,
        ops: (await verifyUrl(url, audit)).audit.ok,
      }).toEqual({
        shared: false,
        http: false,
        ops: false,
      });
    } finally {
      if (server) await stop(server.child);
      await handle.close();
    }
  }, 120_000);
});

describe('verifying while the trail grows', () => {
  const ctx = useCounty();

  it('a verification that runs while events are appended reports the chain intact (the head is read first)', async () => {
    const qiao = await ctx.user('qiaoduan');
    const auditor = await ctx.user('auditor');
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 60; i++) {
        const res = await qiao.post('/reports', {
          source: 'visit',
          regionCode: '411321106200',
          category: 'electricity',
          description: `第${i}处路灯不亮`,
        });
        if (res.statusCode !== 201) throw new Error(`report: ${res.statusCode} ${res.body}`);
      }
    })().finally(() => {
      writing = false;
    });
    const results: { ok: boolean; brokenAt: number | null }[] = [];
    while (writing) {
      results.push((await auditor.get('/audit/verify')).json());
      // The writer's requests need turns of the event loop too.
      await new Promise((r) => setImmediate(r));
    }
    await writer;
    expect(results.length).toBeGreaterThan(5);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});

describe('a database that recorded its key is sealed once only', () => {
  const scratch = scratchDatabases();
  afterAll(async () => scratch.cleanup());

  it('is never sealed again: with its key record deleted and its newest events cut (the head set back, waiting for a seal), or its whole trail deleted, every verifier fails, after a restart too', async () => {
    const key = randomBytes(32).toString('base64');
    const audit = trailOf(key);
    const url = await countyDatabase(scratch);
    const handle = createDb(url);
    const db = handle.db;
    let server: Awaited<ReturnType<typeof startServer>> | null = await startServer(url, key, {
      LIANJIAN_DAILY_SNAPSHOTS: 'off',
    });
    try {
      // A trail as a running server writes it: the key recorded (audited) first, then logins and changes.
      const qiao = await session(server.base);
      for (let i = 0; i < 6; i++) {
        await post(server.base, qiao, '/reports', {
          source: 'visit',
          regionCode: '411321106200',
          category: 'roads',
          description: `第${i}处路面塌陷`,
        });
      }
      await stop(server.child);
      server = null;
      await dropAppendOnly(handle);
      const rows = (await db.selectFrom('audit_events').selectAll().orderBy('seq').execute()) as unknown as Row[];
      const head = (await db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow()) as unknown as Record<
        string,
        unknown
      >;
      const record = await db
        .selectFrom('meta')
        .selectAll()
        .where('key', '=', 'data_key_check')
        .executeTakeFirstOrThrow();
      expect(rows.filter((r) => r.action === 'data_key.record').map((r) => r.seq)).toEqual([1]);
      const n = rows.length;
      const cut = n - 4;
      const reset = async () => {
        await db.deleteFrom('audit_events').execute();
        await db.deleteFrom('audit_head').execute();
        for (const r of rows)
          await db
            .insertInto('audit_events')
            .values(r as never)
            .execute();
        await db
          .insertInto('audit_head')
          .values(head as never)
          .execute();
        await db
          .insertInto('meta')
          .values(record)
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
      };
      const forgetKey = () => db.deleteFrom('meta').where('key', '=', 'data_key_check').execute();
      const cutTo = async (count: number, seal: string | null) => {
        await db.deleteFrom('audit_events').where('seq', '>', count).execute();
        await db
          .updateTable('audit_head')
          .set({ count, last_hash: (rows[count - 1] as Row).hash, seal } as never)
          .where('id', '=', 1)
          .execute();
      };
      const verifiers = async () => ({
        'verify-audit (shared verifier)': await audit.verify(db),
        'lianjian verify (ops)': (await verifyUrl(url, audit)).audit,
      });

      // [forgery, whether a server is started on it afterwards (the start that records the key again)]
      const forgeries: [string, () => Promise<unknown>, boolean][] = [
        [
          'the key record deleted, the newest events cut, the head set back and marked waiting for its first seal',
          async () => {
            await forgetKey();
            await cutTo(cut, 'pending');
          },
          true,
        ],
        ['the newest events cut and the head marked waiting, the key record left', () => cutTo(cut, 'pending'), true],
        ['the key record deleted (recorded again at the next start)', forgetKey, true],
        [
          'the key record, every event and the head deleted',
          async () => {
            await forgetKey();
            await db.deleteFrom('audit_events').execute();
            await db.deleteFrom('audit_head').execute();
          },
          false,
        ],
        [
          'the key record and every event deleted, the head set back to no events and marked waiting',
          async () => {
            await forgetKey();
            await db.deleteFrom('audit_events').execute();
            await db
              .updateTable('audit_head')
              .set({ count: 0, last_hash: GENESIS, seal: 'pending', legacy_upto: 0 } as never)
              .where('id', '=', 1)
              .execute();
          },
          true,
        ],
      ];
      const accepted: string[] = [];
      for (const [name, forge, restart] of forgeries) {
        await reset();
        await forge();
        for (const [where, r] of Object.entries(await verifiers()))
          if (r.ok) accepted.push(`${name} — ${where}: intact, ${r.count} events`);
        if (!restart) continue;
        server = await startServer(url, key, { LIANJIAN_DAILY_SNAPSHOTS: 'off' });
        const auditor = await session(server.base, 'auditor');
        const http = (await (await fetch(`${server.base}/api/v1/audit/verify`, { headers: auditor })).json()) as {
          ok: boolean;
          count: number;
        };
        await stop(server.child);
        server = null;
        if (http.ok) accepted.push(`${name}, then a restart — GET /audit/verify: intact, ${http.count} events`);
        for (const [where, r] of Object.entries(await verifiers()))
          if (r.ok) accepted.push(`${name}, then a restart — ${where}: intact, ${r.count} events`);
      }
      // The reviewer's two forms, through the operator's command in a process of its own.
      for (const [name, forge] of forgeries.filter(([, , restart], i) => i === 0 || !restart)) {
        await reset();
        await forge();
        if (name.startsWith('the key record deleted, the newest')) {
          server = await startServer(url, key, { LIANJIAN_DAILY_SNAPSHOTS: 'off' });
          await stop(server.child);
          server = null;
        }
        const r = await runCli(['verify-audit'], { DATABASE_URL: url, LIANJIAN_DATA_KEY: key });
        if (r.code === 0) accepted.push(`${name} — lianjian verify-audit: ${r.output.trim().split('\n').at(-1)}`);
      }
      expect(accepted).toEqual([]);

      // The untouched trail verifies: the failures above are the forgeries'.
      await reset();
      expect((await audit.verify(db)).ok).toBe(true);
    } finally {
      if (server) await stop(server.child);
      await handle.close();
    }
  }, 300_000);
});

describe('each app keys its own chain', () => {
  it('two apps in one process, each with its own data key, chain and verify their own trails; neither trail verifies under the other key', async () => {
    const one = await testApp(undefined, new DataCipher(randomBytes(32)));
    const two = await testApp(undefined, new DataCipher(randomBytes(32)));
    try {
      const clients = [];
      for (const t of [one, two]) {
        await buildCounty(t.db.db);
        clients.push(as(t.app, await login(t.app, 'qiaoduan', PASSWORD)));
      }
      // Interleaved: a key shared by the process would chain one app's events under the other's key.
      for (let i = 0; i < 3; i++)
        for (const c of clients) {
          const res = await c.post('/reports', {
            source: 'visit',
            regionCode: '411321106200',
            category: 'roads',
            description: `第${i}处路面塌陷`,
          });
          expect(res.statusCode, res.body).toBe(201);
        }
      for (const t of [one, two]) {
        const auditor = as(t.app, await login(t.app, 'auditor', PASSWORD));
        expect((await auditor.get('/audit/verify')).json()).toMatchObject({ ok: true });
      }
      expect(await one.app.auditTrail.verify(one.db.db)).toMatchObject({ ok: true });
      expect(await two.app.auditTrail.verify(two.db.db)).toMatchObject({ ok: true });
      expect(await one.app.auditTrail.verify(two.db.db)).toMatchObject({ ok: false, brokenAt: 1, reason: 'link' });
      expect(await two.app.auditTrail.verify(one.db.db)).toMatchObject({ ok: false, brokenAt: 1, reason: 'link' });
    } finally {
      await one.close();
      await two.close();
    }
  });
});
