/**
 * One jest run for everything: unit specs beside the code (`*.spec.ts`, may use recorded samples)
 * and integration tests in test/ (real OAR sandbox, real Redis started by test/support/global-setup).
 * `npm test` runs in band because integration tests share one OAR sandbox.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];
const moduleNameMapper = { '^@oar-live/(oar-client|shared|oar-sim)$': '<rootDir>/libs/$1/src' };
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper,
  testMatch: ['<rootDir>/libs/*/src/**/*.spec.ts', '<rootDir>/apps/*/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
  // test/compose builds and starts docker-compose.yml (minutes): `npm run test:compose`, its own CI phase.
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/compose/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  reporters: ['default'],
};
