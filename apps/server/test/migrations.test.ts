import fs from 'node:fs';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, migrate } from '../src/db/index.ts';
import { scratchDatabases } from './scratch-db.ts';

/** A database as the code before a migration left it: the migrations before `first` applied, and no others. */
async function migratedBefore(url: string, first: string) {
  const handle = createDb(url);
  const dir = path.resolve(import.meta.dirname, '../src/db/migrations');
  const before = fs.readdirSync(dir).filter((f) => /^\d{4}_.*\.ts$/.test(f) && f < first);
  const migrations = Object.fromEntries(
    await Promise.all(before.map(async (f) => [f.replace(/\.ts$/, ''), await import(path.join(dir, f))])),
  );
  const { error } = await new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => migrations },
  }).migrateToLatest();
  if (error) throw error;
  return handle;
}

describe('upgrades', () => {
  const scratch = scratchDatabases();
  afterAll(() => scratch.cleanup());

  it('an upgrade to one import at a time, with an account’s two imports left running, marks all but the newest interrupted and completes', async () => {
    const handle = await migratedBefore(await scratch.create(), '0027');
    try {
      const row = (id: string, at: string) => ({
        id,
        scope_code: '411321106',
        file_name: `${id}.csv`,
        file_hash: id,
        file_bytes: 1,
        format: 'csv' as const,
        status: 'running' as const,
        failure: null,
        phase: 'validating' as const,
        progress: 10,
        rows_read: 1,
        households: 0,
        people: 0,
        error_count: 0,
        errors_json: null,
        message: null,
        created_by: 'u1',
        created_at: at,
        updated_at: at,
        heartbeat_at: at,
        finished_at: null,
      });
      await handle.db
        .insertInto('household_imports')
        .values([row('older', '2026-12-01T01:00:00.000Z'), row('newer', '2026-12-01T02:00:00.000Z')])
        .execute();
      await migrate(handle.db);
      const after = await handle.db
        .selectFrom('household_imports')
        .select(['id', 'status', 'failure'])
        .orderBy('id')
        .execute();
      expect(after).toEqual([
        { id: 'newer', status: 'running', failure: null },
        { id: 'older', status: 'failed', failure: 'interrupted' },
      ]);
    } finally {
      await handle.close();
    }
  });
});

describe('upgrades: ledger versions', () => {
  const scratch = scratchDatabases();
  afterAll(() => scratch.cleanup());

  it('an upgrade to one version per ledger, with two computations that once took one version, keeps the first and numbers the others after the last, and completes', async () => {
    const handle = await migratedBefore(await scratch.create(), '0028');
    try {
      const at = '2021-01-05T00:00:00.000Z';
      await handle.db
        .insertInto('assessment_schemes')
        .values({
          id: 's1',
          county_code: '411321',
          year: 2020,
          tier: 'township',
          name: '2020',
          daily_weight: 40,
          final_weight: 60,
          cutoffs_json: '{}',
          indicators_json: '[]',
          version: 1,
          created_at: at,
          updated_at: at,
        })
        .execute();
      const ledger = (id: string, scope: string, version: number, computedAt: string) => ({
        id,
        scheme_id: 's1',
        tier: 'township' as const,
        scope_code: scope,
        period_from: '2020-01-01',
        period_to: '2020-12-31',
        version,
        inputs_json: '{}',
        rows_json: '[]',
        computed_by: '管理员',
        computed_at: computedAt,
      });
      await handle.db
        .insertInto('ledgers')
        .values([
          ledger('a', '411321106', 1, '2021-01-05T01:00:00.000Z'),
          ledger('b', '411321106', 2, '2021-01-05T02:00:00.000Z'),
          ledger('c', '411321106', 2, '2021-01-05T02:00:00.001Z'),
          ledger('d', '411321106', 3, '2021-01-05T03:00:00.000Z'),
          ledger('e', '411321106', 2, '2021-01-05T02:00:00.002Z'),
          ledger('f', '411321300', 1, '2021-01-05T01:00:00.000Z'),
        ])
        .execute();
      await migrate(handle.db);
      const after = await handle.db.selectFrom('ledgers').select(['id', 'version']).orderBy('id').execute();
      expect(after.map((r) => `${r.id}${r.version}`)).toEqual(['a1', 'b2', 'c4', 'd3', 'e5', 'f1']);
      await expect(
        handle.db
          .insertInto('ledgers')
          .values(ledger('g', '411321106', 5, at))
          .execute(),
      ).rejects.toThrow();
    } finally {
      await handle.close();
    }
  });
});

describe('upgrades: notices published on the board', () => {
  const scratch = scratchDatabases();
  afterAll(() => scratch.cleanup());

  it('an upgrade that records when a notice appeared on the board takes a notice recorded before as published the day it started', async () => {
    const handle = await migratedBefore(await scratch.create(), '0029');
    try {
      const at = '2020-11-02T00:00:00.000Z';
      await sql`insert into regions (code, name, level, kind, name_initials) values ('411321106200', '穆老庄村', 'village', 'village', 'mlzc')`.execute(
        handle.db,
      );
      for (const id of ['h1', 'h2']) {
        await sql`insert into households (id, region_code, head_name, head_initials, address, attribute, standard, status, primary_cause, secondary_causes,
            income_wages, income_business, income_transfer, income_property, per_capita_income, water_safe, created_at, updated_at)
          values (${id}, '411321106200', '户主', 'hz', '一组', 'general', 'general', 'registered', 'illness', '[]', 0, 0, 0, 0, 0, 1, ${at}, ${at})`.execute(
          handle.db,
        );
      }
      await sql`insert into exit_applications (id, household_id, source, status, applied_on, notice_start_on, notice_days, version, created_at, updated_at)
        values ('e1', 'h1', 'household', 'in_notice', '2020-11-02', '2020-11-23', 7, 5, ${at}, ${at}),
               ('e2', 'h2', 'household', 'applied', '2020-11-02', null, null, 1, ${at}, ${at})`.execute(handle.db);
      await migrate(handle.db);
      const rows = await handle.db
        .selectFrom('exit_applications')
        .select(['id', 'notice_published_on'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { id: 'e1', notice_published_on: '2020-11-23' },
        { id: 'e2', notice_published_on: null },
      ]);
    } finally {
      await handle.close();
    }
  });

  it('an upgrade that makes the formal organizations a tree places an existing register under its real superiors', async () => {
    const handle = await migratedBefore(await scratch.create(), '0034');
    try {
      const at = '2020-01-01T00:00:00.000Z';
      await sql`insert into regions (code, name, level, kind, name_initials) values
        ('411321', '南召县', 'county', '县', 'nzx'), ('411321106', '乔端镇', 'township', '镇', 'qdz'), ('411321106200', '穆老庄村', 'village', '村', 'mlzc')`.execute(
        handle.db,
      );
      const units: [string, string, string][] = [
        ['u-police', '南召县公安局', '411321'],
        ['u-station', '乔端镇派出所', '411321106'],
        ['u-gov', '乔端镇人民政府', '411321106'],
        ['u-village', '穆老庄村村委会', '411321106200'],
      ];
      for (const [id, name, region] of units) {
        await sql`insert into units (id, name, type, region_code, name_initials, version, created_at, updated_at) values (${id}, ${name}, 'party_government', ${region}, 'x', 1, ${at}, ${at})`.execute(
          handle.db,
        );
      }
      const orgs: [string, string, string, string, string | null][] = [
        ['county', '中共南召县委员会', 'county_committee', '411321', null],
        ['qiao', '中共乔端镇委员会', 'township_committee', '411321106', null],
        ['police', '中共南召县公安局委员会', 'unit_branch', '411321', 'u-police'],
        ['station', '中共乔端镇派出所支部委员会', 'unit_branch', '411321106', 'u-station'],
        ['gov', '中共乔端镇人民政府机关支部委员会', 'unit_branch', '411321106', 'u-gov'],
        ['village', '中共穆老庄村支部委员会', 'village_branch', '411321106200', 'u-village'],
      ];
      for (const [id, name, kind, region, unit] of orgs) {
        await sql`insert into party_orgs (id, name, kind, region_code, unit_id) values (${id}, ${name}, ${kind}, ${region}, ${unit})`.execute(
          handle.db,
        );
      }
      await migrate(handle.db);
      const placed = Object.fromEntries(
        (await handle.db.selectFrom('party_orgs').select(['id', 'parent_id', 'path']).execute()).map((r) => [
          r.id,
          [r.parent_id, r.path],
        ]),
      );
      expect(placed).toEqual({
        county: [null, '/county/'],
        qiao: ['county', '/county/qiao/'],
        police: ['county', '/county/police/'],
        // The police station's branch is led by the county public-security committee, not by the township it sits in.
        station: ['police', '/county/police/station/'],
        gov: ['qiao', '/county/qiao/gov/'],
        village: ['qiao', '/county/qiao/village/'],
      });
    } finally {
      await handle.close();
    }
  });

  it('an upgrade that records the day of an exit takes the day an application announced it, and leaves a year-only exit as it was', async () => {
    const handle = await migratedBefore(await scratch.create(), '0035');
    try {
      const at = '2020-11-02T00:00:00.000Z';
      await sql`insert into regions (code, name, level, kind, name_initials) values ('411321106200', '穆老庄村', 'village', 'village', 'mlzc')`.execute(
        handle.db,
      );
      const households: [string, string, number | null][] = [
        ['announced', 'exited', 2020],
        ['imported', 'exited', 2018],
        ['rejected', 'registered', null],
      ];
      for (const [id, status, year] of households) {
        await sql`insert into households (id, region_code, head_name, head_initials, address, attribute, standard, status, exit_year, primary_cause, secondary_causes,
            income_wages, income_business, income_transfer, income_property, per_capita_income, water_safe, created_at, updated_at)
          values (${id}, '411321106200', '户主', 'hz', '一组', 'general', 'national', ${status}, ${year}, 'illness', '[]', 0, 0, 0, 0, 0, 1, ${at}, ${at})`.execute(
          handle.db,
        );
      }
      await sql`insert into exit_applications (id, household_id, source, status, applied_on, announced_on, rejected_on, version, created_at, updated_at)
        values ('e1', 'announced', 'household', 'announced', '2020-09-02', '2020-10-20', null, 6, ${at}, ${at}),
               ('e2', 'rejected', 'household', 'rejected', '2020-09-02', null, '2020-10-01', 3, ${at}, ${at})`.execute(
        handle.db,
      );
      await migrate(handle.db);
      const rows = await handle.db.selectFrom('households').select(['id', 'exited_on']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: 'announced', exited_on: '2020-10-20' },
        { id: 'imported', exited_on: null },
        { id: 'rejected', exited_on: null },
      ]);
    } finally {
      await handle.close();
    }
  });

  it('an upgrade that keeps the head of household in full pinyin fills it for the households already registered', async () => {
    const handle = await migratedBefore(await scratch.create(), '0036');
    try {
      const at = '2020-11-02T00:00:00.000Z';
      await sql`insert into regions (code, name, level, kind, name_initials) values ('411321106200', '穆老庄村', 'village', 'village', 'mlzc')`.execute(
        handle.db,
      );
      for (const [id, head, initials] of [
        ['h1', '白丙刚', 'bbg'],
        ['h2', '王大山', 'wds'],
      ] as const) {
        await sql`insert into households (id, region_code, head_name, head_initials, address, attribute, standard, status, primary_cause, secondary_causes,
            income_wages, income_business, income_transfer, income_property, per_capita_income, water_safe, created_at, updated_at)
          values (${id}, '411321106200', ${head}, ${initials}, '一组', 'general', 'national', 'registered', 'illness', '[]', 0, 0, 0, 0, 0, 1, ${at}, ${at})`.execute(
          handle.db,
        );
      }
      await migrate(handle.db);
      const rows = await handle.db.selectFrom('households').select(['id', 'head_pinyin']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: 'h1', head_pinyin: 'baibinggang' },
        { id: 'h2', head_pinyin: 'wangdashan' },
      ]);
    } finally {
      await handle.close();
    }
  });

  it('an upgrade that gives each item the day it entered its list takes the list’s date for the items made with it and the day added for the rest', async () => {
    const handle = await migratedBefore(await scratch.create(), '0040');
    try {
      const db = handle.db;
      await sql`insert into regions (code, name, level, kind, name_initials) values ('411321106200', '穆老庄村', 'village', 'village', 'mlzc')`.execute(
        db,
      );
      await sql`insert into temporary_orgs (id, name, name_initials, level, kind, path, mode, anchor_type, anchor_name, mission,
          region_code, established_on, status, created_at, updated_at)
        values ('o1', '支部', 'zb', 'branch', 'special_task', '/o1', 'single', 'village', '村', '任务', '411321106200',
          '2026-01-05', 'active', '2026-01-05T00:00:00.000Z', '2026-01-05T00:00:00.000Z')`.execute(db);
      // Made on 19 September in Shanghai (17:00 UTC the day before), dated back to 1 September.
      await sql`insert into problem_lists (id, org_id, no, title, listed_on, created_at, updated_at)
        values ('l1', 'o1', 1, '清单', '2026-09-01', '2026-09-18T17:00:00.000Z', '2026-09-18T17:00:00.000Z')`.execute(
        db,
      );
      for (const [id, no, at] of [
        ['i1', 1, '2026-09-18T17:00:00.100Z'],
        ['i2', 2, '2026-09-19T09:00:00.000Z'],
        ['i3', 3, '2026-09-22T17:30:00.000Z'],
      ] as const) {
        await sql`insert into items (id, list_id, org_id, no, kind, problem, category, status, created_at, updated_at)
          values (${id}, 'l1', 'o1', ${no}, 'problem', '问题', 'roads', 'open', ${at}, ${at})`.execute(db);
      }
      await migrate(db);
      const rows = await db.selectFrom('items').select(['id', 'listed_on']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: 'i1', listed_on: '2026-09-01' },
        { id: 'i2', listed_on: '2026-09-01' },
        { id: 'i3', listed_on: '2026-09-23' },
      ]);
    } finally {
      await handle.close();
    }
  });
});
