/**
 * Job history and node state history answers (docs/http-api.md): what GET /api/history/* returns
 * and the web app reads.
 */
import type { Job } from '@oar-live/oar-client';
import type { WholeEvent } from './apply';

/** GET /api/history/jobs: one page of finished jobs, newest end first. */
export interface JobHistoryPage {
  /** The window searched (ISO). */
  from: string;
  to: string;
  /** Matching jobs in the window, all pages. */
  total: number;
  offset: number;
  limit: number;
  jobs: Job[];
  /** When OAR was read for this window (ISO): answers are reused for a short while. */
  readAt: string;
}

/** Counts over a window, for one user or one queue. */
export interface HistoryTotals {
  key: string;
  jobs: number;
  terminated: number;
  errors: number;
  /** Sum of the jobs' run times (stop − start), seconds. */
  runSeconds: number;
}

/** GET /api/history/summary */
export interface JobHistorySummary {
  from: string;
  to: string;
  total: number;
  users: HistoryTotals[];
  queues: HistoryTotals[];
  readAt: string;
}

/** One state a node went through, as oar-live's event log recorded it. */
export interface NodeStateChange {
  at: string;
  seq: number;
  /** The node's state from then on; null: the node was removed. */
  state: string | null;
}

/** GET /api/history/nodes/:name */
export interface NodeStateHistory {
  name: string;
  /** The oldest moment the log still covers (ISO): earlier changes are not known. */
  since: string | null;
  changes: NodeStateChange[];
}

/** The state `event` gives the node `name`: its new state, null when it was removed, undefined when not about it. */
export function nodeStateIn(event: WholeEvent, name: string): string | null | undefined {
  if ((event.type === 'node.added' || event.type === 'node.changed') && event.node.name === name)
    return event.node.state;
  return event.type === 'node.removed' && event.name === name ? null : undefined;
}
