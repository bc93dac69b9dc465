import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Test files run side by side: on SQLite one worker a core (two at least, as a test often waits on a child process);
// on PostgreSQL one more, as the tests then also wait on the database server. On this suite's two-core machine the
// SQLite run took 6.5 minutes with one worker and 4.7 with two; the PostgreSQL run 13.7 with one and 8.6 with three.
const cores = os.availableParallelism();
const postgres = process.env.DATABASE_URL?.startsWith('postgres') ?? false;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: Math.max(2, cores - 1) + (postgres ? 1 : 0),
    setupFiles: ['test/pg-worker.ts'],
    globalSetup: ['test/pg-workers-dropped.ts'],
  },
});
