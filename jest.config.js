/** Unit specs sit beside the code; e2e specs in test/e2e run against real PostgreSQL, Redis and processes. */
const shared = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts', 'sql'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
    '^.+\\.sql$': '<rootDir>/test/support/sql-transform.js',
  },
  moduleNameMapper: { '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src', '^@flowline/client$': '<rootDir>/libs/client/src' },
  testEnvironment: 'node',
};

/** The e2e files that run a second time with the queues, events and counters in PostgreSQL (QUEUE_BACKEND=postgres). */
const BOTH_MODES = [
  'start-command',
  'workflows',
  'tiers',
  'regions',
  'billing',
  'security-headers',
  'access-control',
  'auth',
  'operations',
  'faults-postgres',
  'faults-admission',
  'fair-share',
  'anonymous-rate-limits',
  'tracing',
];

module.exports = {
  // Once for both projects: it drops this checkout's test databases and builds the template.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60000,
  maxWorkers: 2,
  projects: [
    { ...shared, displayName: 'redis', testRegex: '(apps|libs|test)/.*\\.(spec|e2e-spec)\\.ts$' },
    {
      ...shared,
      displayName: 'postgres',
      testRegex: `test/e2e/(${BOTH_MODES.join('|')})\\.e2e-spec\\.ts$`,
      setupFiles: ['<rootDir>/test/support/postgres-mode.ts'],
    },
  ],
};
