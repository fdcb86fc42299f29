/**
 * Tests in three tiers, each a jest project: `npm test` runs all of them, `npm run test:unit` (and
 * `test:workflow`, `test:e2e`) one.
 * - unit: no server at all (seconds);
 * - workflow: the workflows on Temporal's time-skipping test server with mocked activities, and
 *   the recorded histories replayed (timers of days pass in moments);
 * - e2e: against the real servers the global setup starts (Temporal dev server, MinIO, the sandbox);
 * - production: the production topology's suite, which starts its own cluster; only
 *   `npm run test:production` runs it (on Node.js LTS), as `npm test` selects the three above.
 */
const base = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.tsx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic', importSource: 'hono/jsx' } },
        },
      },
    ],
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  verbose: true,
  testTimeout: 60_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...base, displayName: 'workflow', testMatch: ['<rootDir>/test/workflow/**/*.test.ts'] },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/*.test.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
    { ...base, displayName: 'production', testMatch: ['<rootDir>/test/production/**/*.test.ts'], testTimeout: 600_000 },
  ],
};
