import type { Job, Node } from '@oar-live/oar-client';
import type { Operation } from './operations';

/** Health of the OAR source as seen by the poller. */
export type SourceState = 'up' | 'degraded' | 'down';
export interface SourceStatus {
  status: SourceState;
  error?: string;
  /** ISO time of the last successful poll. */
  lastOkAt?: string;
}

export type NodeEventType = 'node.added' | 'node.changed';
export type JobEventType = 'job.added' | 'job.changed';

export type LiveEvent =
  | { type: NodeEventType; node: Node; changed?: string[] }
  | { type: 'node.removed'; name: string; node: Node }
  | { type: JobEventType; job: Job; changed?: string[] }
  | { type: 'job.removed'; id: number; job: Job }
  | ({ type: 'source.status' } & SourceStatus)
  | { type: 'operation.updated'; operation: Operation };

export type LiveEventType = LiveEvent['type'];
export const LIVE_EVENT_TYPES: readonly LiveEventType[] = [
  'node.added',
  'node.changed',
  'node.removed',
  'job.added',
  'job.changed',
  'job.removed',
  'source.status',
  'operation.updated',
];

/**
 * Everything one poll changed, numbered: `seq` grows by exactly 1 per batch, across restarts.
 * `epoch` names the history the batch belongs to: it changes when the stream kept in Redis was lost
 * or went backwards and the server started again from a new snapshot. A batch applies only to a
 * snapshot of the same epoch.
 */
export interface Batch {
  epoch: string;
  seq: number;
  /** ISO time of the poll. */
  at: string;
  events: LiveEvent[];
}

/** The whole cluster as of batch `seq` of `epoch` (epoch "" before the first batch was ever written). */
export interface Snapshot {
  epoch: string;
  seq: number;
  at: string;
  source: SourceStatus;
  nodes: Node[];
  jobs: Job[];
}
