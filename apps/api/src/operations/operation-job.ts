import type { NewResource, SettableResourceState, SubmitJobRequest } from '@oar-live/oar-client';
import type { Operation, TargetResult } from '@oar-live/shared';
import type { AuthUser } from '../auth/auth-user';

/** The one BullMQ queue every OAR mutation goes through. */
export const OPERATIONS_QUEUE = 'oar-operations';

/** Attempts for transient faults (network, timeouts, 5xx): backoff 1 s, 2 s, 4 s … ± jitter. */
export const OPERATION_ATTEMPTS = 10;
export const BACKOFF = { type: 'exponential', delay: 1000, jitter: 0.5 } as const;

/** What a job action does to one job, and the OAR login it is done as (the owner's, for an admin). */
export interface JobTarget {
  id: number;
  as: string;
}

export type OperationPayload =
  | { kind: 'job.submit'; request: SubmitJobRequest }
  | {
      kind: 'job.cancel' | 'job.hold' | 'job.resume';
      jobs: JobTarget[];
      /** Targets refused before the operation (by the shared action rule): their results, no OAR call. */
      refused?: TargetResult[];
    }
  | {
      kind: 'node.create';
      count: number;
      prefix: string;
      names?: string[];
      cpus: number;
      coresPerCpu: number;
      properties?: NewResource['properties'];
    }
  | { kind: 'node.state'; names: string[]; state: SettableResourceState; reason?: string; refused?: TargetResult[] }
  | { kind: 'node.delete'; names: string[]; force: boolean; refused?: TargetResult[] };

export type PayloadOf<K extends OperationPayload['kind']> = Extract<OperationPayload, { kind: K }>;

/** BullMQ job data: the operation as first stored (so a worker can recreate its record) and what to do. */
export interface OperationJobData {
  operation: Operation;
  /** The hash of the request behind it, so a worker that records it first keeps Idempotency-Key checks. */
  requestHash?: string;
  actor: AuthUser;
  payload: OperationPayload;
  /** Set just before a non-idempotent OAR call (submit, create) is sent: a later attempt must check first. */
  sentAt?: string;
  /** node.create: the rows planned on the first attempt (names fixed once chosen). */
  plannedRows?: NewResource[];
}

/** What an executor hands back: a result for single-target kinds, per-target results for bulk ones. */
export interface Outcome {
  result?: object;
  results?: TargetResult[];
  targets?: string[];
}
