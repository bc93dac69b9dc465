import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/index.ts';
import { DataCipher } from '../src/lib/crypto.ts';
import { idCheckChar } from '../src/lib/identity.ts';
import { clearPersonalData } from './clear-personal-data.ts';
import { scratchDatabases } from './scratch-db.ts';
import { countyDatabase, session, startServer } from './server-process.ts';

/** `lianjian start` with its log (pino's JSON lines on stdout) going to `logFile`, as a service manager keeps it. */
async function serverLoggingTo(
  url: string,
  key: string,
  logFile: string,
): Promise<{ child: ChildProcess; base: string }> {
  const log = fs.openSync(logFile, 'w');
  try {
    return await startServer(url, key, { LOG_LEVEL: 'info', LIANJIAN_DAILY_SNAPSHOTS: 'off' }, log);
  } finally {
    fs.closeSync(log);
  }
}

describe('finding 9: no clear ID number or phone in the logs or the audit trail', () => {
  const scratch = scratchDatabases();
  afterAll(async () => scratch.cleanup());

  it('searches by ID number travel in a POST body; the server’s log and the audit trail never hold the clear number', async () => {
    const key = randomBytes(32).toString('base64');
    const cipher = new DataCipher(Buffer.from(key, 'base64'));
    const url = await countyDatabase(scratch);
    const logFile = path.join(scratch.dir, 'server.log');
    const { child, base } = await serverLoggingTo(url, key, logFile);
    const idNumber = `${'41132119770912505'}${idCheckChar('41132119770912505')}`;
    const phone = '13912345678';
    const answers: Record<string, number> = {};
    let trackingCode = '';
    try {
      const headers = { ...(await session(base)), 'content-type': 'application/json' };
      const call = async (what: string, method: string, url: string, body?: unknown) => {
        const res = await fetch(`${base}/api/v1${url}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        answers[what] = res.status;
        // Read to the end, so that no reply is left open when the server is stopped.
        return { ok: res.ok, text: await res.text() };
      };
      await call('register', 'POST', '/households', {
        regionCode: '411321106200',
        address: '三组5号',
        primaryCause: 'illness',
        income: { wages: 5000, business: 0, transfer: 800, property: 0 },
        waterSafe: true,
        people: [
          {
            name: '许建国',
            relationship: '户主',
            gender: 'male',
            idNumber,
            phone,
            health: 'healthy',
            labour: 'normal',
          },
        ],
      });
      const found = await call('search', 'POST', '/households/search', { idNumber });
      if (found.ok) answers.found = (JSON.parse(found.text) as { total: number }).total;
      // The old door: a number in the query string is refused, and the refusal's log line does not keep it either.
      await call('search by query string', 'GET', `/households?idNumber=${idNumber}`);
      await call('reports by phone', 'GET', `/reports?q=${phone}`);
      const grant = await call('export', 'POST', '/exports', {
        kind: 'households',
        params: { idNumber },
        reason: '核对',
      });
      if (grant.ok)
        await call(
          'download',
          'GET',
          (JSON.parse(grant.text) as { downloadUrl: string }).downloadUrl.replace('/api/v1', ''),
        );
      const report = await fetch(`${base}/api/v1/public/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          regionCode: '411321106200',
          category: 'roads',
          description: '路面坑洼',
          phone: '15812345678',
        }),
      });
      trackingCode = ((await report.json()) as { trackingCode: string }).trackingCode;
      const follow = await fetch(`${base}/api/v1/public/reports/${trackingCode}`);
      answers.follow = follow.status;
      await follow.text();
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    const log = fs.readFileSync(logFile, 'utf8');
    const handle = createDb(url);
    try {
      const trail = JSON.stringify(await handle.db.selectFrom('audit_events').selectAll().execute());
      // Neither the log nor the trail holds the number, the phones or the resident's tracking code…
      expect(clearPersonalData(log)).toEqual({ idNumbers: [], phones: [] });
      expect(log).not.toContain(trackingCode);
      expect(clearPersonalData(trail)).toEqual({ idNumbers: [], phones: [] });
      // …while both recorded the requests: the log each one's route, the trail the export's filter by its blind index.
      const urls = log
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => (JSON.parse(l) as { req?: { url?: string } }).req?.url)
        .filter(Boolean);
      expect(urls).toEqual(
        expect.arrayContaining([
          '/api/v1/households/search',
          '/api/v1/households?idNumber=[redacted]',
          '/api/v1/reports?q=[redacted]',
          '/api/v1/public/reports/[redacted]',
        ]),
      );
      const request = await handle.db
        .selectFrom('audit_events')
        .select('after_json')
        .where('action', '=', 'export.request')
        .executeTakeFirstOrThrow();
      // The register's filter as the export keeps it: the number's keyed indexes under every key of the ring (never the number) and the chosen order.
      expect(JSON.parse(request.after_json as string).params).toEqual({
        idNumberIndex: cipher.blindIndexes(idNumber),
        sort: 'name',
        dir: 'asc',
      });
      expect(answers).toEqual({
        register: 201,
        search: 200,
        found: 1,
        'search by query string': 400,
        'reports by phone': 200,
        export: 201,
        download: 200,
        follow: 200,
      });
    } finally {
      await handle.close();
    }
  }, 120_000);
});
