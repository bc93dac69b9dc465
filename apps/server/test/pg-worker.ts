/**
 * On PostgreSQL, each test worker works in a database of its own (the run's database name, `_w` and the worker's
 * number), made on the worker's first file. Tests make their schemas inside it. Workers must not share a database:
 * the migrator lists every table of every schema in its database, and a schema another worker drops in the middle of
 * that listing fails it ("column … does not exist"). `pg-workers-dropped.ts` drops them when the run ends.
 */
import pg from 'pg';

const runUrl = process.env.LIANJIAN_TEST_RUN_URL ?? process.env.DATABASE_URL;
const worker = process.env.VITEST_POOL_ID;
if (runUrl?.startsWith('postgres') && worker) {
  process.env.LIANJIAN_TEST_RUN_URL = runUrl;
  const url = new URL(runUrl);
  const name = `${url.pathname.slice(1)}_w${worker}`;
  const admin = new pg.Client({ connectionString: runUrl });
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (!found.rowCount) await admin.query(`create database ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
}
