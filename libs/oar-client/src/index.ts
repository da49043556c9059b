export * from './model';
export * from './api-types';
export * from './errors';
export { OarClient } from './client';
export type { OarJobs, JobQuery } from './jobs-api';
export type { OarResources } from './resources-api';
export { buildNodes, buildNodesPaced } from './nodes';
export { DEFAULT_TIMEOUT_MS } from './http';
