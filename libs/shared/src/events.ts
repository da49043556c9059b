import type { Job, Node } from '@oar-live/oar-client';
import type { JobDelta, NodeDelta } from './delta';
import type { Operation } from './operations';

/** Health of the OAR source as seen by the poller. */
export type SourceState = 'up' | 'degraded' | 'down';
export interface SourceStatus {
  status: SourceState;
  /** A plain sentence about what is wrong (e.g. "OAR cannot be reached: the cluster shown is as last read."). */
  error?: string;
  /** The raw error behind it (network error, OAR's answer), for details and logs. */
  detail?: string;
  /** ISO time of the last successful poll. */
  lastOkAt?: string;
  /** Set while oar-live reads OAR less often than configured to stay within OAR_MAX_LOAD: says how often it reads. */
  slowed?: string;
}

export type NodeEventType = 'node.added' | 'node.changed';
export type JobEventType = 'job.added' | 'job.changed';

/** A node or job event carrying only what changed (event format 2): see delta.ts. */
export type NodeDeltaEvent = { type: 'node.changed'; name: string } & NodeDelta;
export type JobDeltaEvent = { type: 'job.changed'; id: number } & JobDelta;

export type LiveEvent =
  | { type: NodeEventType; node: Node; changed?: string[] }
  | NodeDeltaEvent
  | { type: 'node.removed'; name: string; node: Node }
  | { type: JobEventType; job: Job; changed?: string[] }
  | JobDeltaEvent
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
  /** EVENT_FORMAT of the server that wrote the batch (absent: format 1, whole nodes and jobs only). */
  format?: number;
  epoch: string;
  seq: number;
  /** ISO time of the poll. */
  at: string;
  events: LiveEvent[];
}

/** The whole cluster as of batch `seq` of `epoch` (epoch "" before the first batch was ever written). */
export interface Snapshot {
  /** EVENT_FORMAT of the batches that follow (absent: format 1). */
  format?: number;
  epoch: string;
  seq: number;
  at: string;
  source: SourceStatus;
  nodes: Node[];
  jobs: Job[];
}
