/**
 * The benchmark's heavier parts: the register import against a raw insert of the same rows, the year's ledgers of
 * every organization, the plan of the province overview, and a round-robin in front of several servers.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { createDb } from '../apps/server/src/db/index.ts';
import type { Database } from '../apps/server/src/db/types.ts';
import { systemActor } from '../apps/server/src/lib/actor.ts';
import { computeCounties } from '../apps/server/src/modules/assessment/counties.ts';
import type { AuditTrail } from '../apps/server/src/modules/audit/audit.trail.ts';
import { StatsService } from '../apps/server/src/modules/stats/stats.service.ts';
import { writeRegisterSample } from '../apps/server/src/seed/register-sample.ts';
import { csvRows } from '../apps/server/src/lib/csv.ts';
import { excel } from '../apps/server/src/lib/excel.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process's resident memory, in MB. */
export const rssMb = (pid: number) =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

/**
 * What the machine read from its disks while `work` ran, in MB (Linux's `pgpgin`: pages read from a block device, not
 * from the page cache), or null where /proc/vmstat is not to be had. Machine-wide: the work is all that runs then.
 */
export async function diskReads<T>(work: () => Promise<T>): Promise<{ result: T; readMb: number | null }> {
  const pagedIn = () => {
    try {
      const kb = /^pgpgin (\d+)$/m.exec(fs.readFileSync('/proc/vmstat', 'utf8'))?.[1];
      return kb === undefined ? null : Number(kb);
    } catch {
      return null;
    }
  };
  const before = pagedIn();
  const result = await work();
  const after = pagedIn();
  return { result, readMb: before === null || after === null ? null : Math.round((after - before) / 1024) };
}

/** Peak RSS of a process while `work` runs, sampled every 100 ms. */
export async function peakRss<T>(pid: number, work: Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = 0;
  let done = false;
  const sample = (async () => {
    while (!done) {
      try {
        peak = Math.max(peak, rssMb(pid));
      } catch {
        return;
      }
      await sleep(100);
    }
  })();
  try {
    return { result: await work, peakMb: peak };
  } finally {
    done = true;
    await sample;
  }
}

export interface ImportRun {
  rows: number;
  households: number;
  seconds: number;
  status: string;
  message: string;
}

/** Uploads a generated register of `rows` people to a running server and waits for the import to finish. */
export async function importRegister(
  base: string,
  headers: Record<string, string>,
  dir: string,
  rows: number,
  villages: string[],
  format: 'csv' | 'xlsx' = 'csv',
): Promise<ImportRun> {
  const csv = path.join(dir, `register-${format}-${rows}.csv`);
  // Other people for each format: the register refuses an ID number twice.
  const sample = await writeRegisterSample(csv, { rows, villages, serial: format === 'csv' ? 2 : 3 });
  const file = format === 'csv' ? csv : await toXlsx(csv);
  const started = performance.now();
  const res = await fetch(`${base}/api/v1/household-imports?fileName=register.${format}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: fs.createReadStream(file) as unknown as BodyInit,
    duplex: 'half',
  } as RequestInit);
  if (!res.ok) throw new Error(`import upload: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  for (;;) {
    const view = (await (await fetch(`${base}/api/v1/household-imports/${id}`, { headers })).json()) as {
      status: string;
      message: string | null;
    };
    if (view.status !== 'running' && view.status !== 'queued') {
      fs.rmSync(file, { force: true });
      fs.rmSync(csv, { force: true });
      return {
        rows: sample.rows,
        households: sample.households,
        seconds: (performance.now() - started) / 1000,
        status: view.status,
        message: view.message ?? '',
      };
    }
    await sleep(250);
  }
}

/** The same register as an XLSX workbook (ExcelJS's streaming writer), as a county office would send it. */
async function toXlsx(csv: string): Promise<string> {
  const file = csv.replace(/\.csv$/, '.xlsx');
  const book = new (await excel()).stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = book.addWorksheet('建档立卡户');
  for await (const cells of csvRows(fs.createReadStream(csv) as AsyncIterable<Buffer>)) sheet.addRow(cells).commit();
  sheet.commit();
  await book.commit();
  return file;
}

/**
 * The limit for the import: the rows the application wrote (households and people, encrypted and indexed),
 * inserted again by the raw driver with one prepared statement per table, in one transaction, into empty copies of
 * the tables with the same indexes.
 */
export async function rawInsertRate(url: string): Promise<number> {
  const tables = ['households', 'household_people'];
  // The rows of the last import: its households share one creation instant.
  const last = `select id from households where created_at = (select max(created_at) from households)`;
  const rowsOf = (t: string) =>
    t === 'households'
      ? `select * from households where id in (${last})`
      : `select * from household_people where household_id in (${last})`;
  if (url.startsWith('sqlite:')) {
    const db = new SQLite(url.slice('sqlite:'.length));
    db.pragma('synchronous = FULL');
    let rows = 0;
    const copies: { name: string; data: Record<string, unknown>[] }[] = [];
    for (const t of tables) {
      const ddl = (
        db.prepare(`select sql from sqlite_master where type = 'table' and name = ?`).get(t) as { sql: string }
      ).sql;
      db.exec(ddl.replace(new RegExp(`^CREATE TABLE "?${t}"?`, 'i'), `CREATE TABLE limit_${t}`));
      for (const idx of db
        .prepare(`select sql from sqlite_master where type = 'index' and tbl_name = ? and sql is not null`)
        .all(t) as { sql: string }[]) {
        db.exec(
          idx.sql
            .replace(/INDEX "?(\w+)"?/i, 'INDEX limit_$1')
            .replace(new RegExp(`ON "?${t}"?`, 'i'), `ON limit_${t}`),
        );
      }
      copies.push({ name: t, data: db.prepare(rowsOf(t)).all() as Record<string, unknown>[] });
    }
    const timed = performance.now();
    db.transaction(() => {
      for (const c of copies) {
        const cols = Object.keys(c.data[0] ?? {});
        const stmt = db.prepare(
          `insert into limit_${c.name} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`,
        );
        for (const r of c.data) stmt.run(...cols.map((k) => r[k]));
        if (c.name === 'household_people') rows += c.data.length;
      }
    })();
    const seconds = (performance.now() - timed) / 1000;
    for (const t of tables) db.exec(`drop table limit_${t}`);
    db.close();
    return rows / seconds;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const copies: { name: string; data: Record<string, unknown>[] }[] = [];
    for (const t of tables) {
      await client.query(`create table limit_${t} (like ${t} including defaults including indexes)`);
      copies.push({ name: t, data: (await client.query(rowsOf(t))).rows });
    }
    const timed = performance.now();
    let rows = 0;
    await client.query('begin');
    for (const c of copies) {
      const cols = Object.keys(c.data[0] ?? {});
      const text = `insert into limit_${c.name} (${cols.join(', ')}) values (${cols.map((_, i) => `$${i + 1}`).join(', ')})`;
      for (const r of c.data) await client.query({ name: `limit_${c.name}`, text, values: cols.map((k) => r[k]) });
      if (c.name === 'household_people') rows += c.data.length;
    }
    await client.query('commit');
    const seconds = (performance.now() - timed) / 1000;
    for (const t of tables) await client.query(`drop table limit_${t}`);
    return rows / seconds;
  } finally {
    await client.end();
  }
}

/** The 2020 ledgers of every organization: for each county, its county tier and each of its townships, at once (`lianjian ledgers`). */
export async function allLedgers(
  url: string,
  audit: AuditTrail,
  year = 2020,
): Promise<{ seconds: number; ledgers: number; counties: number; concurrency: number }> {
  const handle = createDb(url);
  try {
    // The province's yearly run, as `lianjian ledgers` does it: on PostgreSQL three counties at a time.
    const concurrency = handle.dialect === 'postgres' ? 3 : 1;
    const started = performance.now();
    const run = await computeCounties(handle.db, audit, handle.dialect, {
      year,
      concurrency,
      requestId: 'bench:ledgers',
    });
    return { seconds: (performance.now() - started) / 1000, ledgers: run.ledgers, counties: run.counties, concurrency };
  } finally {
    await handle.close();
  }
}

/**
 * The statements of the province overview and their plans: whether any reads households or items whole.
 * (SQLite: `SCAN <table>` without an index; PostgreSQL: `Seq Scan on <table>`.)
 */
export async function provinceOverviewPlan(
  url: string,
  asOf: string,
): Promise<{ statements: number; fullScans: string[] }> {
  const statements: { sql: string; parameters: readonly unknown[] }[] = [];
  const log = (e: { level: string; query: { sql: string; parameters: readonly unknown[] } }) => {
    if (e.level === 'query') statements.push(e.query);
  };
  const sqlite = url.startsWith('sqlite:') ? new SQLite(url.slice('sqlite:'.length)) : null;
  const db = sqlite
    ? new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), log })
    : new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }), log });
  try {
    await new StatsService(db).overview({ ...systemActor('bench:plan'), regionCode: '41' }, asOf);
    const fullScans: string[] = [];
    for (const plan of await explainPlans(url, statements))
      for (const line of plan)
        if (/\b(SCAN|Seq Scan on) (items|households|household_people|item_events)\b/.test(line))
          fullScans.push(line.trim());
    return { statements: statements.length, fullScans };
  } finally {
    await db.destroy();
  }
}

/** The plan of each statement, as its database explains it (SQLite's query plan; PostgreSQL's EXPLAIN). */
export async function explainPlans(
  url: string,
  statements: readonly { sql: string; parameters: readonly unknown[] }[],
): Promise<string[][]> {
  if (url.startsWith('sqlite:')) {
    const db = new SQLite(url.slice('sqlite:'.length), { readonly: true });
    try {
      return statements.map((s) =>
        (db.prepare(`explain query plan ${s.sql}`).all(...(s.parameters as unknown[])) as { detail: string }[]).map(
          (r) => r.detail,
        ),
      );
    } finally {
      db.close();
    }
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const out: string[][] = [];
    for (const s of statements)
      out.push(
        (
          await pool.query(`explain ${s.sql.replace(/\$(\d+)/g, (_, i) => literal(s.parameters[Number(i) - 1]))}`)
        ).rows.map((r) => String(Object.values(r as object)[0])),
      );
    return out;
  } finally {
    await pool.end();
  }
}

const literal = (v: unknown) => (typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

/** A round-robin HTTP forwarder in front of several servers: what a load balancer does. */
export async function roundRobin(targets: number[]): Promise<{ port: number; close: () => Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let next = 0;
  const server = http.createServer((req, res) => {
    const port = targets[next++ % targets.length] as number;
    const up = http.request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((r) => {
        agent.destroy();
        server.close(() => r());
      }),
  };
}
