/**
 * Browser tests run against the real server, each spec file on a database of its own: the setup builds the web app
 * and makes the demo county once (a first start seeds it; the admin's first password change is done through the
 * API), stops that server, and keeps the directory as the template every spec copies (`ownServer` in browser.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEMO_PASSWORD, startServer } from './server';

export { DEMO_PASSWORD } from './server';
const root = path.resolve(import.meta.dirname, '../../..');
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

let dir = '';

export async function setup(project: TestProject) {
  // A production build, as shipped: the test runner's NODE_ENV=test would make Vite build for development, and the
  // service worker would then be built with no precache manifest.
  const build = spawnSync('npm', ['run', 'build', '--workspace', 'apps/web'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (build.status !== 0) throw new Error('web build failed');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-e2e-template-'));
  const server = await startServer(dir);
  try {
    await changeAdminPassword(server.base);
  } finally {
    await server.stop();
  }
  project.provide('templateDir', dir);
}

export async function teardown() {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The seeded demo county's database and data key, copied for each spec file. */
    templateDir: string;
  }
}
