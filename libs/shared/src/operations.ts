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

/** succeeded and failed are final: the operation never changes again. */
export function isFinished(state: OperationState): boolean {
  return state === 'succeeded' || state === 'failed';
}

export interface OperationError {
  /** HTTP status OAR answered with, when it answered. */
  status?: number;
  /** A plain sentence about the cluster, e.g. "Job 40 could not be cancelled: it has already been cancelled or has finished." */
  message: string;
  /** The raw text behind it (OAR's output, the network error), for details and logs. */
  detail?: string;
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

/** viewer < user < admin: a user holding a higher role may do everything a lower one may. */
export function hasRole(user: { roles: readonly Role[] }, needed: Role): boolean {
  const rank = (role: Role) => ROLES.indexOf(role);
  return user.roles.some((role) => rank(role) >= rank(needed));
}
