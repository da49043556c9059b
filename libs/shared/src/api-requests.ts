/**
 * The bodies the web client sends to the REST API and the answers it reads (docs/http-api.md). The API
 * validates each body with a zod schema that a compile-time check holds to these types
 * (apps/api/src/operations/action-requests.ts), so the two cannot drift apart.
 */
import type { SettableResourceState } from '@oar-live/oar-client';
import type { Operation, Role } from './operations';

export const JOB_ACTIONS = ['cancel', 'hold', 'resume'] as const;
/** What a bulk job request asks for (each becomes the operation kind `job.<action>`). */
export type JobAction = (typeof JOB_ACTIONS)[number];

export const NODE_ACTIONS = ['alive', 'absent', 'dead', 'delete'] as const;
/** What a bulk node request asks for: a state to set, or `delete` (retire). */
export type NodeAction = (typeof NODE_ACTIONS)[number];

/** POST /api/jobs/actions */
export interface JobActionsRequest {
  action: JobAction;
  ids: number[];
}

/** POST /api/nodes/actions */
export interface NodeActionsRequest {
  action: NodeAction;
  names: string[];
  reason?: string;
  force?: boolean;
}

/** POST /api/nodes */
export interface CreateNodesRequest {
  count: number;
  prefix?: string;
  names?: string[];
  cpus?: number;
  coresPerCpu?: number;
  properties?: Record<string, string | number>;
}

/** PATCH /api/nodes/:name */
export interface NodeStateRequest {
  state: SettableResourceState;
  reason?: string;
}

/** The answer to every mutation: 202, carried out by the queue. */
export interface AcceptedOperation {
  operation: Operation;
}

/** GET /api/operations */
export interface OperationList {
  operations: Operation[];
}

/** POST /api/auth/login */
export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginAnswer {
  token: string;
  expiresAt: string;
  /** oarLogin: the OAR login this user acts as (whose jobs are theirs). */
  user: { name: string; roles: Role[]; oarLogin: string };
}
