import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { todayInShanghai } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../../scripts/node-flags.mjs';

/**
 * Native memory on the request path. Each `new Intl.DateTimeFormat` holds ICU memory outside the JavaScript heap
 * that the process keeps (about 25 KB); built once per request, it grew a server by hundreds of MB under load.
 */
describe('memory outside the JavaScript heap', () => {
  it('the Shanghai date, asked 10,000 times, costs no new native memory', () => {
    todayInShanghai();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 10_000; i++) todayInShanghai(new Date(Date.UTC(2020, 0, 1) + i * 3_600_000));
    // A formatter per call grows the process by about 250 MB here; a shared one by nothing measurable.
    expect((process.memoryUsage().rss - before) / 2 ** 20).toBeLessThan(40);
  });
});

describe('the server’s Node flags (a smaller JavaScript heap)', () => {
  it('`npm run lianjian` starts Node with the same flags as `npm start`, and this Node accepts them', () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    const scripts = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    expect(SERVER_NODE_FLAGS.length).toBeGreaterThan(0);
    expect(scripts.lianjian).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} --import tsx apps/server/src/cli.ts`);
    // A flag a later Node no longer knows would stop the server from starting at all.
    const run = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
