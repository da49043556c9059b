/**
 * The compose test alone (`npm run test:compose`): test/compose starts docker-compose.yml's own
 * OAR cluster with podman, so it needs neither the OAR sandbox nor the integration global setup.
 */
const { projects, testTimeout, reporters } = require('./jest.config');
const { displayName: _unit, testMatch: _specs, ...shared } = projects[0];

/** @type {import('jest').Config} */
module.exports = { ...shared, reporters, testTimeout, testMatch: ['<rootDir>/test/compose/**/*.test.ts'] };
