import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/index.ts';
import { scratchDatabases } from './scratch-db.ts';

const scratch = scratchDatabases();
afterAll(async () => scratch.cleanup());

// PostgreSQL runs as a server of its own that can end a connection (restart, failover, an administrator); SQLite is a
// file in the process and has no such connection to lose.
describe.runIf(scratch.dialect === 'postgres')('PostgreSQL connections', () => {
  it('an idle connection the database server ends does not stop the process: the next query gets a new one', async () => {
    const url = await scratch.create();
    const handle = createDb(url);
    const unhandled: unknown[] = [];
    const note = (e: unknown) => unhandled.push(e);
    process.on('uncaughtException', note);
    try {
      const before = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
      const pid = before.rows[0]?.pid as number;
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await admin.end();
      await new Promise((r) => setTimeout(r, 300));
      const after = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
      expect(after.rows[0]?.pid).not.toBe(pid);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('uncaughtException', note);
      await handle.close();
    }
  });
});
