/**
 * The real server for the browser tests: `lianjian start` on a free port over a SQLite database in a directory of its
 * own (the database and its data key), waited for until it answers health, stopped with SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../../../scripts/node-flags.mjs';

const root = path.resolve(import.meta.dirname, '../../..');
export const DEMO_PASSWORD = 'E2e-Demo-Password-2020';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningServer {
  base: string;
  databaseUrl: string;
  /** The environment a command over the same database needs (its URL and its data key). */
  env: Record<string, string>;
  stop: () => Promise<void>;
}

/** Starts the server over `dir` (made by the caller): a new database there gets the demo county at first start. */
export async function startServer(dir: string): Promise<RunningServer> {
  const port = await freePort();
  const logFile = path.join(dir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  const databaseUrl = `sqlite:${path.join(dir, 'e2e.db')}`;
  const env = { DATABASE_URL: databaseUrl, LIANJIAN_KEY_FILE: path.join(dir, 'lianjian.key') };
  const server: ChildProcess = spawn(
    process.execPath,
    [...SERVER_NODE_FLAGS, '--import', 'tsx', path.join(root, 'apps/server/src/cli.ts'), 'start'],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        ...env,
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
      server.kill('SIGKILL');
      throw new Error(`server did not start:\n${fs.readFileSync(logFile, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = async () => {
    if (server.exitCode !== null) return;
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
    fs.closeSync(log);
  };
  return { base, databaseUrl, env, stop };
}
