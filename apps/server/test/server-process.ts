import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../../../scripts/node-flags.mjs';
import { createDb, migrate } from '../src/db/index.ts';
import { DataCipher } from '../src/lib/crypto.ts';
import { AuditTrail } from '../src/modules/audit/audit.trail.ts';
import { PASSWORD, buildCounty } from './factories.ts';
import type { scratchDatabases } from './scratch-db.ts';

const cli = path.resolve(import.meta.dirname, '../src/cli.ts');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A real server process (`lianjian start`) on a database of its own, answering once healthy. Its data directory is
 * `env.LIANJIAN_DATA_DIR`, or a temporary one removed when it exits. Its log (stdout) is dropped, piped to the test
 * (`child.stdout`), or written to an open file.
 */
export async function startServer(
  url: string,
  key: string,
  env: Record<string, string> = {},
  log: 'ignore' | 'pipe' | number = 'ignore',
): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const dataDir = env.LIANJIAN_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-data-'));
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', 'tsx', cli, 'start'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LIANJIAN_DATA_KEY: key,
      LIANJIAN_DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      WEB_DIST: '',
      ...env,
    },
    stdio: ['ignore', log, 'pipe'],
  });
  if (!env.LIANJIAN_DATA_DIR) child.once('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) return { child, base };
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Logs in over HTTP: the session cookies and the CSRF header every change must carry. */
export async function session(base: string, username = 'qiaoduan') {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0] as string);
  const csrf = cookies.find((c) => c.startsWith('lj_csrf='))?.slice('lj_csrf='.length) ?? '';
  return { cookie: cookies.join('; '), 'x-csrf-token': csrf };
}

/** The audit trail of a database written by server processes started with `key` (base64), to verify it here. */
export function trailOf(key: string): AuditTrail {
  return AuditTrail.of(new DataCipher(Buffer.from(key, 'base64')));
}

/** A scratch database holding the test county, for server processes. */
export async function countyDatabase(scratch: ReturnType<typeof scratchDatabases>): Promise<string> {
  const url = await scratch.create();
  const handle = createDb(url);
  await migrate(handle.db);
  await buildCounty(handle.db);
  await handle.close();
  return url;
}

/** A register import as `GET /household-imports/{id}` answers it, for tests that poll a real server. */
export interface ImportView {
  id: string;
  status: 'running' | 'completed' | 'failed';
  phase: string;
  rowsRead: number;
  households: number;
  message: string | null;
  failure?: string | null;
  duplicateOf: string | null;
}
