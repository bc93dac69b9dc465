/**
 * A server for the benchmark, in its own process so that the load generator does not share its event loop.
 *   serve.ts app    the real application (auth, validation, scope, serialization, audit)
 *   serve.ts limit  the machine's limit for the same work: a bare Fastify with the raw driver, running the SQL the
 *                   application runs for each measured list (captured from it, in BENCH_SQL: `/read/<list>`), the
 *                   page's rows by primary key (`/least/<list>`), and the same inserts, in one transaction per
 *                   report with the same durability, for the write; no auth, validation or serialization
 * Prints `listening <port>` when ready.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.ts';
import { createDb } from '../apps/server/src/db/index.ts';
import { DataCipher } from '../apps/server/src/lib/crypto.ts';
import { AuditTrail } from '../apps/server/src/modules/audit/audit.trail.ts';
import { importLimitsFromEnv } from '../apps/server/src/modules/households/import.service.ts';

const mode = process.argv[2];
const url = process.env.DATABASE_URL as string;

export interface CapturedSql {
  statements: { sql: string; parameters: unknown[] }[];
  /** The page's rows read by primary key: the least any design must do for it. */
  least?: { sql: string; parameters: unknown[] };
}

async function app() {
  const handle = createDb(url);
  const cipher = new DataCipher(Buffer.from(process.env.LIANJIAN_DATA_KEY as string, 'base64'));
  const server = await buildApp({
    db: handle,
    cipher,
    importLimits: importLimitsFromEnv(),
    // The pages too, when a figure loads them in a browser.
    ...(process.env.BENCH_WEB_DIST ? { webDist: process.env.BENCH_WEB_DIST } : {}),
  });
  // Where the memory is, on request: the benchmark reports the V8 heap beside the RSS.
  process.on('SIGUSR2', () => {
    const m = process.memoryUsage();
    const mb = (n: number) => Math.round(n / 2 ** 20);
    if (process.env.BENCH_MEMORY_FILE)
      fs.writeFileSync(
        process.env.BENCH_MEMORY_FILE,
        JSON.stringify({
          rss: mb(m.rss),
          heapTotal: mb(m.heapTotal),
          heapUsed: mb(m.heapUsed),
          external: mb(m.external),
        }),
      );
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  return (server.server.address() as { port: number }).port;
}

async function limit() {
  // Each measured list's SQL and its page's least cost, by the list's id (bench/run.ts READ_LISTS).
  const captured = JSON.parse(fs.readFileSync(process.env.BENCH_SQL as string, 'utf8')) as Record<string, CapturedSql>;
  const listOf = (req: { params: unknown }) => {
    const list = captured[(req.params as { list: string }).list];
    if (!list) throw new Error('no such list');
    return list;
  };
  const server = Fastify({ logger: false });
  const now = () => new Date().toISOString();
  const reportRow = (body: { regionCode: string; category: string; description: string }) => {
    const t = now();
    return [
      randomUUID(),
      randomBytes(32).toString('hex'),
      'resident',
      body.regionCode,
      null,
      body.category,
      body.description,
      null,
      null,
      'new',
      null,
      t,
      1,
      t,
      t,
    ];
  };
  // The same chain as the application's (same key, same HMAC), so that the database's chain still verifies.
  const trail = AuditTrail.of(new DataCipher(Buffer.from(process.env.LIANJIAN_DATA_KEY as string, 'base64')));
  const auditRow = (seq: number, prev: string, entityId: string, after: string) => {
    const e = {
      seq,
      id: randomUUID(),
      at: now(),
      user_id: null,
      request_id: randomUUID(),
      action: 'report.create',
      entity_type: 'report',
      entity_id: entityId,
      before_json: null,
      after_json: after,
    };
    const hash = trail.hash(prev, e);
    return {
      values: [e.id, seq, e.at, null, e.request_id, e.action, e.entity_type, e.entity_id, null, after, prev, hash],
      hash,
    };
  };
  const REPORT = `insert into reports (id, tracking_hash, source, region_code, org_id, category, description, reporter_name, phone_enc, status, created_by, reported_at, version, created_at, updated_at)`;
  const AUDIT = `insert into audit_events (id, seq, at, user_id, request_id, action, entity_type, entity_id, before_json, after_json, prev_hash, hash)`;
  const IDEM = `insert into idempotency_keys (scope, key, request_hash, status, content_type, body, created_at)`;

  if (url.startsWith('sqlite:')) {
    const db = new SQLite(url.slice('sqlite:'.length));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    const prepared = new Map(
      Object.entries(captured).map(([id, c]) => [
        id,
        {
          reads: c.statements.map((s) => ({ stmt: db.prepare(s.sql), parameters: s.parameters })),
          least: c.least ? { stmt: db.prepare(c.least.sql), parameters: c.least.parameters } : null,
        },
      ]),
    );
    const preparedOf = (req: { params: unknown }) => {
      listOf(req);
      return prepared.get((req.params as { list: string }).list) as NonNullable<ReturnType<typeof prepared.get>>;
    };
    server.get('/read/:list', async (req, reply) => {
      const out = preparedOf(req).reads.map((r) => r.stmt.all(...(r.parameters as unknown[])));
      return reply.type('application/json').send(JSON.stringify(out));
    });
    server.get('/least/:list', async (req, reply) => {
      const least = preparedOf(req).least;
      const out = least?.stmt.all(...(least.parameters as unknown[])) ?? [];
      return reply.type('application/json').send(JSON.stringify(out));
    });
    const insReport = db.prepare(`${REPORT} values (${Array(15).fill('?').join(',')})`);
    const head = db.prepare(
      'update audit_head set count = count + 1 where id = 1 returning count, last_hash, legacy_upto',
    );
    const insAudit = db.prepare(`${AUDIT} values (${Array(12).fill('?').join(',')})`);
    const setHead = db.prepare('update audit_head set last_hash = ?, seal = ? where id = 1');
    const insIdem = db.prepare(`${IDEM} values (?,?,?,?,?,?,?)`);
    const write = db.transaction(
      (body: { regionCode: string; category: string; description: string }, idem: string) => {
        const row = reportRow(body);
        insReport.run(...row);
        const h = head.get() as { count: number; last_hash: string; legacy_upto: number };
        const a = auditRow(h.count, h.last_hash, row[0] as string, JSON.stringify(body));
        insAudit.run(...a.values);
        setHead.run(a.hash, trail.sealOf(h.count, a.hash, h.legacy_upto));
        insIdem.run('public', idem, 'x', 201, 'application/json', '{}', now());
      },
    );
    server.post('/write', async (req, reply) => {
      write.immediate(
        req.body as { regionCode: string; category: string; description: string },
        String(req.headers['idempotency-key']),
      );
      return reply.code(201).type('application/json').send('{}');
    });
  } else {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    server.get('/read/:list', async (req, reply) => {
      const out = [];
      for (const s of listOf(req).statements) out.push((await pool.query(s.sql, s.parameters as unknown[])).rows);
      return reply.type('application/json').send(JSON.stringify(out));
    });
    server.get('/least/:list', async (req, reply) => {
      const least = listOf(req).least;
      const out = least ? (await pool.query(least.sql, least.parameters as unknown[])).rows : [];
      return reply.type('application/json').send(JSON.stringify(out));
    });
    const ph = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(',');
    server.post('/write', async (req, reply) => {
      const body = req.body as { regionCode: string; category: string; description: string };
      const client = await pool.connect();
      try {
        await client.query('begin');
        const row = reportRow(body);
        await client.query(`${REPORT} values (${ph(15)})`, row);
        const h = (
          await client.query(
            'update audit_head set count = count + 1 where id = 1 returning count, last_hash, legacy_upto',
          )
        ).rows[0];
        const a = auditRow(Number(h.count), h.last_hash, row[0] as string, JSON.stringify(body));
        await client.query(`${AUDIT} values (${ph(12)})`, a.values);
        await client.query('update audit_head set last_hash = $1, seal = $2 where id = 1', [
          a.hash,
          trail.sealOf(Number(h.count), a.hash, Number(h.legacy_upto)),
        ]);
        await client.query(`${IDEM} values (${ph(7)})`, [
          'public',
          String(req.headers['idempotency-key']),
          'x',
          201,
          'application/json',
          '{}',
          now(),
        ]);
        await client.query('commit');
      } catch (e) {
        await client.query('rollback');
        throw e;
      } finally {
        client.release();
      }
      return reply.code(201).type('application/json').send('{}');
    });
  }
  await server.listen({ port: 0, host: '127.0.0.1' });
  return (server.server.address() as { port: number }).port;
}

// A clean exit on a signal, so that a profile taken with --cpu-prof is written.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
const port = mode === 'limit' ? await limit() : await app();
console.log(`listening ${port}`);
