import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Child processes, not threads: page modules load through tsx's loader hooks, one set per process.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/types/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'browser+network',
          include: ['test/e2e/**/*.test.ts', 'test/cluster/**/*.test.ts', 'test/security/**/*.test.ts'],
          // One Chromium (or chaos run) at a time: on a 2-core machine, two make each other's
          // timing the thing under test.
          fileParallelism: false,
        },
      },
    ],
  },
});
