/**
 * When a run on PostgreSQL ends, however it was started (`npm run test:pg`, or vitest with DATABASE_URL set), the
 * databases its workers made (`pg-worker.ts`) are dropped.
 */
import pg from 'pg';

export async function teardown() {
  const runUrl = process.env.DATABASE_URL;
  if (!runUrl?.startsWith('postgres')) return;
  const name = new URL(runUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: runUrl });
  await admin.connect();
  try {
    const made = await admin.query(String.raw`select datname from pg_database where datname like $1 || '\_w%'`, [
      name.replace(/[\\_%]/g, (c) => `\\${c}`),
    ]);
    for (const { datname } of made.rows)
      await admin.query(`drop database if exists ${admin.escapeIdentifier(datname)} with (force)`);
  } finally {
    await admin.end();
  }
}
