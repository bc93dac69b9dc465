import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  type RawBuilder,
  SqliteDialect,
  SqliteDriver,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { sql } from 'kysely';
import * as m0001 from './migrations/0001_foundation.ts';
import * as m0002 from './migrations/0002_idempotency.ts';
import * as m0003 from './migrations/0003_items.ts';
import * as m0004 from './migrations/0004_disputes_chains.ts';
import * as m0005 from './migrations/0005_photos.ts';
import * as m0006 from './migrations/0006_participation.ts';
import * as m0007 from './migrations/0007_households.ts';
import * as m0008 from './migrations/0008_visits_measures.ts';
import * as m0009 from './migrations/0009_exits.ts';
import * as m0010 from './migrations/0010_monitoring.ts';
import * as m0011 from './migrations/0011_imports_coverage.ts';
import * as m0012 from './migrations/0012_activities.ts';
import * as m0013 from './migrations/0013_assessment.ts';
import * as m0014 from './migrations/0014_security.ts';
import * as m0015 from './migrations/0015_identity.ts';
import * as m0016 from './migrations/0016_scale.ts';
import * as m0017 from './migrations/0017_shared_state.ts';
import * as m0018 from './migrations/0018_item_sort_key.ts';
import * as m0019 from './migrations/0019_item_events_status.ts';
import * as m0020 from './migrations/0020_item_events_reopened.ts';
import * as m0021 from './migrations/0021_audit_keyed.ts';
import * as m0022 from './migrations/0022_accounts_dual_control.ts';
import * as m0023 from './migrations/0023_idempotency_replies.ts';
import * as m0024 from './migrations/0024_import_heartbeat.ts';
import * as m0025 from './migrations/0025_personal_data.ts';
import * as m0026 from './migrations/0026_item_link_memberships.ts';
import * as m0027 from './migrations/0027_one_import_at_a_time.ts';
import * as m0028 from './migrations/0028_ledger_versions.ts';
import * as m0029 from './migrations/0029_notice_published.ts';
import * as m0030 from './migrations/0030_resident_rating.ts';
import * as m0031 from './migrations/0031_resident_confirmation.ts';
import * as m0032 from './migrations/0032_unit_duties.ts';
import * as m0033 from './migrations/0033_participants_verifier.ts';
import * as m0034 from './migrations/0034_party_org_tree.ts';
import * as m0035 from './migrations/0035_household_exit_day.ts';
import * as m0036 from './migrations/0036_household_head_pinyin.ts';
import * as m0037 from './migrations/0037_report_dismissal.ts';
import * as m0038 from './migrations/0038_household_import_ignored_columns.ts';
import * as m0039 from './migrations/0039_import_column_mapping.ts';
import * as m0040 from './migrations/0040_item_deadline_clock.ts';
import * as m0041 from './migrations/0041_notice_outbox.ts';
import * as m0042 from './migrations/0042_tracking_code_reservations.ts';
import { syncCalendar } from './calendar.ts';
import * as m0043 from './migrations/0043_sms_replies.ts';
import * as m0044 from './migrations/0044_calendar_days.ts';
import * as m0045 from './migrations/0045_act_signatures.ts';
import * as m0046 from './migrations/0046_data_keys.ts';
import * as m0047 from './migrations/0047_register_order_indexes.ts';
import type { Database } from './types.ts';

export type DbDialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: repositories accept both. */
export type Executor = Db | Tx;

export interface DbHandle {
  db: Db;
  dialect: DbDialect;
  close(): Promise<void>;
}

// bigint (count(*), sums) comes back from pg as a string by default; every count here fits a JS number.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export interface CreateDbOptions {
  /** PostgreSQL schema to use (tests create one per test). */
  pgSchema?: string;
}

/** Opens the database named by a URL: `sqlite:<file>`, `sqlite::memory:`, or `postgres://…`. */
export function createDb(url: string, options: CreateDbOptions = {}): DbHandle {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // No JIT compilation: the statements here are short, and PostgreSQL's cost estimates for the cockpit's counts
    // (a subquery per household) pass its threshold, so that compiling took seconds where running took milliseconds
    // (county scale: the coverage-gap count 3.3 s with JIT, 0.1 s without).
    const settings = ['-c jit=off', ...(options.pgSchema ? [`-c search_path=${options.pgSchema}`] : [])];
    const pool = new pg.Pool({ connectionString: url, max: 10, options: settings.join(' ') });
    // An idle connection the server ends (a restart, a failover, an administrator's terminate) is dropped by the pool
    // and replaced on the next query; without a listener its error event would stop the process.
    pool.on('error', (err) => console.warn(`database connection lost while idle: ${(err as Error).message}`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (!url.startsWith('sqlite:')) throw new Error(`Unsupported DATABASE_URL: ${url.split(':')[0]}`);
  const file = url.slice('sqlite:'.length);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file === ':memory:' ? ':memory:' : file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = FULL');
  // Query-planner statistics for tables that lack them or have grown (bounded sampling, so it stays quick on a
  // province's data): without them the planner cannot tell a township from the province.
  sqlite.pragma('analysis_limit = 1000');
  sqlite.pragma('optimize = 0x10002');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; preparing is a tenth of the cost of a small write. Prepared statements are
 * kept by their SQL (the most recent thousand) and reused when not busy.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (source: string): SQLite.Statement => {
    const cached = cache.get(source);
    if (cached && !cached.busy) return cached;
    const stmt = sqlite.prepare(source);
    if (!cached) {
      if (cache.size >= 1000) cache.delete(cache.keys().next().value as string);
      cache.set(source, stmt);
    }
    return stmt;
  };
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === 'prepare') return prepare;
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Write transactions begin IMMEDIATE: the write lock is taken at BEGIN, so a transaction that reads and then
 * writes never fails half-way with SQLITE_BUSY because another writer came between (it waits its busy timeout).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }
}

/**
 * Checked at start-up: the SQLite settings the data's durability depends on, or the server refuses to start.
 * (PostgreSQL's durability is the server's own configuration: fsync and synchronous_commit are reported.)
 */
export async function checkDurability(handle: DbHandle): Promise<Record<string, unknown>> {
  if (handle.dialect === 'postgres') {
    const rows = (
      await sql<{
        name: string;
        setting: string;
      }>`select name, setting from pg_settings where name in ('fsync', 'synchronous_commit')`.execute(handle.db)
    ).rows;
    const found = Object.fromEntries(rows.map((r) => [r.name, r.setting]));
    if (found.fsync !== 'on') throw new Error('PostgreSQL runs with fsync off: data would not survive a crash');
    return found;
  }
  const pragma = async (name: string) =>
    Object.values((await sql.raw(`pragma ${name}`).execute(handle.db)).rows[0] as object)[0];
  const found = {
    journal_mode: await pragma('journal_mode'),
    synchronous: await pragma('synchronous'),
    foreign_keys: await pragma('foreign_keys'),
    busy_timeout: await pragma('busy_timeout'),
  };
  const memory = found.journal_mode === 'memory';
  if (
    (!memory && found.journal_mode !== 'wal') ||
    found.synchronous !== 2 ||
    found.foreign_keys !== 1 ||
    Number(found.busy_timeout) < 1000
  ) {
    throw new Error(`SQLite durability settings are not as required: ${JSON.stringify(found)}`);
  }
  return found;
}

const migrations = {
  '0001_foundation': m0001,
  '0002_idempotency': m0002,
  '0003_items': m0003,
  '0004_disputes_chains': m0004,
  '0005_photos': m0005,
  '0006_participation': m0006,
  '0007_households': m0007,
  '0008_visits_measures': m0008,
  '0009_exits': m0009,
  '0010_monitoring': m0010,
  '0011_imports_coverage': m0011,
  '0012_activities': m0012,
  '0013_assessment': m0013,
  '0014_security': m0014,
  '0015_identity': m0015,
  '0016_scale': m0016,
  '0017_shared_state': m0017,
  '0018_item_sort_key': m0018,
  '0019_item_events_status': m0019,
  '0020_item_events_reopened': m0020,
  '0021_audit_keyed': m0021,
  '0022_accounts_dual_control': m0022,
  '0023_idempotency_replies': m0023,
  '0024_import_heartbeat': m0024,
  '0025_personal_data': m0025,
  '0026_item_link_memberships': m0026,
  '0027_one_import_at_a_time': m0027,
  '0028_ledger_versions': m0028,
  '0029_notice_published': m0029,
  '0030_resident_rating': m0030,
  '0031_resident_confirmation': m0031,
  '0032_unit_duties': m0032,
  '0033_participants_verifier': m0033,
  '0034_party_org_tree': m0034,
  '0035_household_exit_day': m0035,
  '0036_household_head_pinyin': m0036,
  '0037_report_dismissal': m0037,
  '0038_household_import_ignored_columns': m0038,
  '0039_import_column_mapping': m0039,
  '0040_item_deadline_clock': m0040,
  '0041_notice_outbox': m0041,
  '0042_tracking_code_reservations': m0042,
  '0043_sms_replies': m0043,
  '0044_calendar_days': m0044,
  '0045_act_signatures': m0045,
  '0046_data_keys': m0046,
  '0047_register_order_indexes': m0047,
};

/**
 * Applies every pending migration; the same migrations run on both databases. On PostgreSQL with a schema of
 * its own (tests), name it: the migrator otherwise finds its bookkeeping tables in any schema of the database.
 */
export async function migrate(db: Db, pgSchema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(pgSchema ? { migrationTableSchema: pgSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  await syncCalendar(db);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The database's clock, as an ISO instant like `nowIso()` writes: the one clock every server of a pool shares, for
 * what servers judge of each other (an import's heartbeat). Each server's own clock may be off by more than the
 * threshold.
 */
export function databaseNow(db: Executor): RawBuilder<string> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? sql<string>`to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
}

/** A unique index refused a row (PostgreSQL's SQLSTATE 23505, SQLite's constraint error). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  // Not every constraint: a foreign key, NOT NULL or CHECK failure is another error and must not pass for a duplicate.
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
