/**
 * Two projects in one jest run, so `npm test` (the README's command) still runs everything:
 * - unit: the specs beside the code (`*.spec.ts`). Pure: no Redis, no OAR sandbox, no global setup;
 *   they may read the recorded samples in test/fixtures/oar. `npm run test:unit`.
 * - integration: test/ against real parts (a private redis-server and the OAR sandbox, both brought
 *   up by test/support/global-setup, which jest runs only when an integration test is selected).
 *   `npm run test:integration`, always in band: the tests share one OAR sandbox.
 * Types are checked by `npm run typecheck`, not here (ts-jest transpiles each file alone).
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: { '^@oar-live/(oar-client|shared|oar-sim)$': '<rootDir>/libs/$1/src' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default'],
  // jest reads the timeout from the run, not from each project.
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/*/src/**/*.spec.ts', '<rootDir>/apps/*/src/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // test/compose builds and starts docker-compose.yml (minutes): `npm run test:compose`, its own CI phase.
      testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '<rootDir>/test/compose/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
