// `npm start`: builds the web app when its build is missing or older than its sources, then starts the
// server (which migrates, loads the demo county on first start and serves the web app and the API).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from './node-flags.mjs';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'apps/web');
const built = path.join(web, 'dist/index.html');

function newest(dir) {
  let t = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(
  newest(path.join(web, 'src')),
  newest(path.join(root, 'packages/shared/src')),
  fs.statSync(path.join(web, 'index.html')).mtimeMs,
);
if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < sources) {
  console.log('构建网页前端 (building the web app)…');
  const r = spawnSync('npm', ['run', 'build', '--workspace', 'apps/web'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// tsx by its own address: the server runs in the caller's directory (its data), which need not be the checkout.
const tsx = import.meta.resolve('tsx');
const server = spawnSync(
  process.execPath,
  [...SERVER_NODE_FLAGS, '--import', tsx, path.join(root, 'apps/server/src/cli.ts'), 'start'],
  {
    cwd: process.cwd(),
    stdio: 'inherit',
  },
);
process.exit(server.status ?? 0);
