import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // A browser test that fails in CI runs once more, and the report names it as flaky: two have failed once each
    // in a run and passed in the next (the cockpit's date picker not focused after its code arrived; an import's
    // mapping not shown when resumed), and neither failed again when run on their own or under load here. Each
    // takes a screenshot when it fails, for the next look; a test that fails twice fails the run.
    retry: process.env.CI ? 1 : 0,
  },
});
