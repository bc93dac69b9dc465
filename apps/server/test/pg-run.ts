/**
 * Runs the server suite on PostgreSQL: creates a fresh database for this run, runs vitest with DATABASE_URL pointing
 * at it, and drops it afterwards (each worker makes a database of its own beside it, `pg-worker.ts`, dropped when the
 * run ends; each test makes a schema of its own inside its worker's database).
 * Server: PG_URL or DATABASE_URL (a postgres:// URL), default postgres://postgres@127.0.0.1:5432/postgres.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const base =
  process.env.PG_URL ??
  (process.env.DATABASE_URL?.startsWith('postgres')
    ? process.env.DATABASE_URL
    : 'postgres://postgres@127.0.0.1:5432/postgres');
const name = `lianjian_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(base);
url.pathname = `/${name}`;
console.log(`PostgreSQL test database: ${name}`);
let status = 1;
try {
  const r = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: url.toString() },
  });
  status = r.status ?? 1;
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
process.exit(status);
