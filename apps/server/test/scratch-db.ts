import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * Whole databases of their own, for tests of what works on a database as a whole (backup, restore, crashes of a
 * separate server process): files under a temporary folder on SQLite, fresh databases on the PostgreSQL server
 * of DATABASE_URL. Everything made is removed by `cleanup`.
 */
export function scratchDatabases() {
  const pgBase = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-scratch-'));
  const made: string[] = [];
  return {
    dir,
    dialect: pgBase ? ('postgres' as const) : ('sqlite' as const),
    async create(): Promise<string> {
      if (!pgBase) return `sqlite:${path.join(dir, `${randomBytes(4).toString('hex')}.db`)}`;
      const name = `lj_scratch_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: pgBase });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      made.push(name);
      const url = new URL(pgBase);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
      if (!pgBase || !made.length) return;
      const admin = new pg.Client({ connectionString: pgBase });
      await admin.connect();
      for (const name of made) await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
