/**
 * The compose test alone (`npm run test:compose`): test/compose starts docker-compose.yml's own
 * OAR cluster with podman, so it needs neither the OAR sandbox nor the shared global setup.
 */
const { globalSetup: _setup, globalTeardown: _teardown, ...shared } = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...shared,
  testMatch: ['<rootDir>/test/compose/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
