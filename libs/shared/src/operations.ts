export const OPERATION_KINDS = [
  'job.submit',
  'job.cancel',
  'job.hold',
  'job.resume',
  'node.create',
  'node.state',
  'node.delete',
] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OPERATION_STATES = ['queued', 'active', 'retrying', 'succeeded', 'failed'] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

export interface OperationError {
  /** HTTP status OAR answered with, when it answered. */
  status?: number;
  message: string;
}

/** Outcome for one target of an operation (a job id or a node name). */
export interface TargetResult {
  target: string;
  ok: boolean;
  result?: object;
  error?: OperationError;
}

export interface Operation {
  id: string;
  kind: OperationKind | string;
  state: OperationState;
  user: string;
  input: object;
  attempts: number;
  result?: object;
  error?: OperationError;
  createdAt: string;
  updatedAt: string;
  /** Job ids or node names the operation acts on. */
  targets: string[];
  /**
   * Per-target outcome of a bulk operation: in `GET /api/operations/:id` only. Live
   * `operation.updated` events carry `progress` instead (a bulk operation's events stay small).
   */
  results?: TargetResult[];
  /** How many targets have an outcome so far (bulk operations). */
  progress?: OperationProgress;
  /** Audit trail: every state the operation went through, oldest first. */
  history?: OperationHistoryEntry[];
}

export interface OperationProgress {
  total: number;
  /** Targets with an outcome (succeeded or failed). */
  done: number;
  failed: number;
}

export interface OperationHistoryEntry {
  at: string;
  state: OperationState;
  attempts: number;
  error?: OperationError;
}

export const ROLES = ['viewer', 'user', 'admin'] as const;
export type Role = (typeof ROLES)[number];
