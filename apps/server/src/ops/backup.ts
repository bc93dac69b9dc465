import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { type DbHandle, createDb } from '../db/index.ts';
import type { AuditTrail, ChainReport } from '../modules/audit/audit.trail.ts';
import { type SignatureReport, verifySignatures } from '../modules/signatures/signatures.service.ts';

/** Written beside every backup: what it holds, counted inside the backup's own snapshot. */
export interface Manifest {
  format: 1;
  dialect: 'sqlite' | 'postgres';
  createdAt: string;
  tables: Record<string, number>;
  auditEvents: number;
}

export interface VerifyReport {
  ok: boolean;
  integrity: string;
  audit: ChainReport;
  /** The signatures on acts, against the records and the keys of the trail's data key (`verify-signatures`). */
  signatures: SignatureReport;
  tables: Record<string, number>;
  /** Tables whose row count differs from the manifest's. */
  mismatches: { table: string; expected: number; found: number }[];
}

export const manifestPath = (file: string) => `${file}.manifest.json`;

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} failed (${code}): ${err.trim()}`))));
  });
}

function sqliteFile(url: string): string {
  const file = url.slice('sqlite:'.length);
  if (!url.startsWith('sqlite:') || file === ':memory:') throw new Error('backup needs a database file');
  return path.resolve(file);
}

function sqliteCounts(db: SQLite.Database): Record<string, number> {
  const tables = db
    .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`)
    .all() as { name: string }[];
  return Object.fromEntries(
    tables.map((t) => [t.name, Number((db.prepare(`select count(*) as n from "${t.name}"`).get() as { n: number }).n)]),
  );
}

async function pgCounts(client: pg.ClientBase): Promise<Record<string, number>> {
  const tables = (
    await client.query<{ tablename: string }>(
      `select tablename from pg_tables where schemaname = current_schema() order by tablename`,
    )
  ).rows;
  const out: Record<string, number> = {};
  for (const t of tables)
    out[t.tablename] = Number((await client.query(`select count(*)::int as n from "${t.tablename}"`)).rows[0].n);
  return out;
}

/**
 * Takes a consistent backup while the application keeps writing. SQLite: `VACUUM INTO`, one read transaction
 * over the WAL. PostgreSQL: pg_dump of a snapshot exported from a repeatable-read transaction, in which the
 * manifest's counts are taken too, so the counts are exactly those of the dump.
 */
export async function backup(url: string, out: string): Promise<Manifest> {
  const target = path.resolve(out);
  if (fs.existsSync(target)) throw new Error(`${out} already exists`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  let manifest: Manifest;
  if (url.startsWith('sqlite:')) {
    const db = new SQLite(sqliteFile(url), { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('vacuum into ?').run(target);
    } finally {
      db.close();
    }
    const copy = new SQLite(target, { readonly: true });
    try {
      const tables = sqliteCounts(copy);
      manifest = {
        format: 1,
        dialect: 'sqlite',
        createdAt: new Date().toISOString(),
        tables,
        auditEvents: tables.audit_events ?? 0,
      };
    } finally {
      copy.close();
    }
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('begin isolation level repeatable read read only');
      const snapshot = (await client.query<{ s: string }>('select pg_export_snapshot() as s')).rows[0]?.s as string;
      const tables = await pgCounts(client);
      await run('pg_dump', [
        '--format=custom',
        '--no-owner',
        '--no-privileges',
        `--snapshot=${snapshot}`,
        `--file=${target}`,
        url,
      ]);
      await client.query('commit');
      manifest = {
        format: 1,
        dialect: 'postgres',
        createdAt: new Date().toISOString(),
        tables,
        auditEvents: tables.audit_events ?? 0,
      };
    } finally {
      await client.end();
    }
  }
  fs.writeFileSync(manifestPath(target), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Restores a backup into a fresh instance: refuses a database that already holds data. */
export async function restore(file: string, url: string): Promise<void> {
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new Error(`${file} not found`);
  if (url.startsWith('sqlite:')) {
    const target = sqliteFile(url);
    if (fs.existsSync(target) && fs.statSync(target).size > 0)
      throw new Error(`${target} already exists: restore into a fresh instance`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(source, target);
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const n = Number(
      (await client.query(`select count(*)::int as n from pg_tables where schemaname = current_schema()`)).rows[0].n,
    );
    if (n > 0) throw new Error('the target database already has tables: restore into a fresh instance');
  } finally {
    await client.end();
  }
  await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${url}`, source]);
}

/**
 * Integrity check, audit chain (verified with the trail keyed by the database's data key), the signatures on acts (with
 * the same key's signing keys) and row counts (against a backup's manifest when given).
 */
export async function verify(handle: DbHandle, audit: AuditTrail, manifest?: Manifest): Promise<VerifyReport> {
  let integrity: string;
  let tables: Record<string, number>;
  if (handle.dialect === 'sqlite') {
    const rows = (await sql<{ integrity_check: string }>`pragma integrity_check`.execute(handle.db)).rows;
    const fk = (await sql`pragma foreign_key_check`.execute(handle.db)).rows;
    integrity =
      rows.map((r) => r.integrity_check).join('; ') + (fk.length ? `; ${fk.length} foreign key violations` : '');
    const names = (
      await sql<{
        name: string;
      }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(
        handle.db,
      )
    ).rows;
    tables = {};
    for (const t of names)
      tables[t.name] = Number(
        (await sql<{ n: number }>`select count(*) as n from ${sql.table(t.name)}`.execute(handle.db)).rows[0]?.n,
      );
  } else {
    // Reading every table end to end makes PostgreSQL check every page it reads (checksums when enabled).
    const names = (
      await sql<{
        tablename: string;
      }>`select tablename from pg_tables where schemaname = current_schema() order by tablename`.execute(handle.db)
    ).rows;
    tables = {};
    for (const t of names)
      tables[t.tablename] = Number(
        (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t.tablename)}`.execute(handle.db)).rows[0]
          ?.n,
      );
    integrity = 'ok';
  }
  const chain = await audit.verify(handle.db);
  const signed = audit.signer
    ? await verifySignatures(handle.db, audit.signer)
    : ({ ok: false, count: 0, failure: null } satisfies SignatureReport);
  const mismatches = manifest
    ? Object.entries(manifest.tables)
        .filter(([t, n]) => tables[t] !== n)
        .map(([table, expected]) => ({ table, expected, found: tables[table] ?? 0 }))
    : [];
  return {
    ok: integrity === 'ok' && chain.ok && signed.ok && mismatches.length === 0,
    integrity,
    audit: chain,
    signatures: signed,
    tables,
    mismatches,
  };
}

/** Opens a database by URL, verifies it, closes it. */
export async function verifyUrl(url: string, audit: AuditTrail, manifest?: Manifest): Promise<VerifyReport> {
  const handle = createDb(url);
  try {
    return await verify(handle, audit, manifest);
  } finally {
    await handle.close();
  }
}
