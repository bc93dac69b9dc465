/**
 * Browser tests run against the real server on a fresh SQLite database with the demo county: build the web
 * app, start `lianjian start` on a free port, wait for health, and stop it afterwards.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { SERVER_NODE_FLAGS } from '../../../scripts/node-flags.mjs';

const root = path.resolve(import.meta.dirname, '../../..');
export const DEMO_PASSWORD = 'E2e-Demo-Password-2020';
/** The seeded admin must change its password at first login: the setup does that once, through the API. */
export const ADMIN_PASSWORD = 'E2e-Changed-Pass-2026';

async function changeAdminPassword(base: string) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
  });
  const me = (await login.json()) as { pending: string | null };
  if (me.pending !== 'password_change')
    throw new Error(`the seeded admin should have to change its password, pending=${me.pending}`);
  const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0] as string);
  const csrf = cookies.find((c) => c.startsWith('lj_csrf='))?.slice('lj_csrf='.length) ?? '';
  const changed = await fetch(`${base}/api/v1/auth/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: cookies.join('; '), 'x-csrf-token': csrf },
    body: JSON.stringify({ currentPassword: DEMO_PASSWORD, newPassword: ADMIN_PASSWORD }),
  });
  if (!changed.ok) throw new Error(`admin password change failed: ${changed.status} ${await changed.text()}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

let server: ChildProcess | null = null;
let dir = '';

export async function setup(project: TestProject) {
  const build = spawnSync('npm', ['run', 'build', '--workspace', 'apps/web'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('web build failed');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-e2e-'));
  const port = await freePort();
  const log = fs.openSync(path.join(dir, 'server.log'), 'w');
  server = spawn(
    process.execPath,
    [...SERVER_NODE_FLAGS, '--import', 'tsx', path.join(root, 'apps/server/src/cli.ts'), 'start'],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${path.join(dir, 'e2e.db')}`,
        LIANJIAN_DEMO_PASSWORD: DEMO_PASSWORD,
        LIANJIAN_ADMIN_PASSWORD: '',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', log, log],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/api/v1/health`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (server.exitCode !== null || Date.now() > deadline) {
      throw new Error(`server did not start:\n${fs.readFileSync(path.join(dir, 'server.log'), 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await changeAdminPassword(base);
  project.provide('baseUrl', base);
  project.provide('databaseUrl', `sqlite:${path.join(dir, 'e2e.db')}`);
}

export async function teardown() {
  server?.kill('SIGTERM');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The server's database, for tests that set up what no screen does (a province above the county). */
    databaseUrl: string;
  }
}
