import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { DbHandle } from '../src/db/index.ts';

/**
 * Everything a database holds, as it lies outside the application: SQLite's file (and its WAL, checkpointed into it
 * first) byte for byte, free pages included; PostgreSQL's `pg_dump` of the database. Read as latin1, one character
 * per byte.
 */
export async function rawDatabaseText(handle: DbHandle, url: string): Promise<string> {
  if (handle.dialect === 'sqlite') {
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(handle.db);
    const file = url.slice('sqlite:'.length);
    const parts = [file, `${file}-wal`]
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f).toString('latin1'));
    return parts.join('\n');
  }
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-dump-')), 'dump.sql');
  try {
    await promisify(execFile)('pg_dump', ['--format=plain', '--no-owner', '--no-privileges', `--file=${out}`, url]);
    return fs.readFileSync(out).toString('latin1');
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}
