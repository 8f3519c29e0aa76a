import { defineConfig } from 'vitest/config';

// Pages and fixtures `import 'pagebound'`: in this repository that resolves to src/ (package.json's
// "pagebound-source" condition), in the test workers and in every CLI they spawn.
if (!process.env.NODE_OPTIONS?.includes('pagebound-source')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --conditions=pagebound-source`.trim();
}

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
