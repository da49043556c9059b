import { OarHttpError, OarRequestError, isTransient } from '@oar-live/oar-client';
import type { Operation, OperationError, TargetResult } from '@oar-live/shared';
import { explainFailure } from '../common/oar-messages';
import type { OperationJobData, OperationPayload } from './operation-job';

/** A target refused by oar-live itself (before or instead of asking OAR), with the HTTP status that fits. */
export class TargetError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The attempt no longer holds its queue job in Redis (Redis lost it, or the lock expired and another
 * worker took the job): it must stop before an OAR call that is not idempotent, as the intent it
 * records would not reach the attempt that runs next.
 */
export class QueueJobLost extends Error {
  constructor() {
    super('this attempt no longer holds its queue job');
  }
}

/** What an executor may read and persist while it runs one attempt of an operation. */
export interface ExecutionContext {
  data: OperationJobData;
  /** The stored operation as this attempt began (with the per-target results of earlier attempts). */
  operation: Operation;
  /**
   * Persists fields of the queue job's data (they survive a crash and reach the next attempt); throws
   * QueueJobLost when this attempt no longer holds its queue job.
   */
  updateData(patch: Partial<OperationJobData>): Promise<void>;
  /** Persists one target's outcome in the operation record. */
  saveResult(result: TargetResult): Promise<void>;
  setTargets(targets: string[]): Promise<void>;
}

/**
 * The user-facing error of a failure: a plain sentence starting with what failed ("Job 40 could not
 * be cancelled"), OAR's status when it answered, and its raw words as `detail`. oar-live's own
 * refusals (TargetError) are already sentences.
 */
export function toOperationError(err: unknown, failed: string): OperationError {
  if (err instanceof TargetError) return { status: err.status, message: err.message };
  const { message, detail } = explainFailure(failed, err);
  const status = err instanceof OarHttpError ? err.status : err instanceof OarRequestError ? 400 : undefined;
  return { ...(status !== undefined && { status }), message, ...(detail !== undefined && { detail }) };
}

const DONE: Record<OperationPayload['kind'], string> = {
  'job.submit': 'submitted',
  'job.cancel': 'cancelled',
  'job.hold': 'held',
  'job.resume': 'resumed',
  'node.create': 'created',
  'node.state': 'set',
  'node.delete': 'retired',
};

/** What failed, in words: "Job 40 could not be cancelled", "Node node3 could not be set Absent", "The job could not be submitted". */
export function failurePhrase(payload: OperationPayload, target?: string): string {
  const done = payload.kind === 'node.state' ? `set ${payload.state}` : DONE[payload.kind];
  const subject = payload.kind.startsWith('job.') ? 'Job' : 'Node';
  if (target !== undefined && payload.kind !== 'job.submit' && payload.kind !== 'node.create')
    return `${subject} ${target} could not be ${done}`;
  if (payload.kind === 'job.submit') return 'The job could not be submitted';
  if (payload.kind === 'node.create') return 'The nodes could not be created';
  return `The ${subject.toLowerCase()}s could not be ${done}`;
}

/**
 * Runs `act` for each target not settled by an earlier attempt, saving each outcome as it comes.
 * A permanent failure is that target's result and the others go on; a transient fault stops the
 * attempt (thrown, so the queue retries it later, resuming after the settled targets).
 */
export async function forEachTarget<T>(
  context: ExecutionContext,
  items: readonly T[],
  targetOf: (item: T) => string,
  act: (item: T) => Promise<object | undefined>,
): Promise<TargetResult[]> {
  const settled = new Map((context.operation.results ?? []).map((result) => [result.target, result]));
  for (const item of items) {
    const target = targetOf(item);
    if (settled.has(target)) continue;
    let outcome: TargetResult;
    try {
      outcome = { target, ok: true, result: (await act(item)) ?? {} };
    } catch (err) {
      if (isTransient(err)) throw err;
      outcome = { target, ok: false, error: toOperationError(err, failurePhrase(context.data.payload, target)) };
    }
    await context.saveResult(outcome);
    settled.set(target, outcome);
  }
  return items.map((item) => settled.get(targetOf(item))!);
}

/** Results in the order the targets were asked for (refused ones were settled before the others ran). */
export function inTargetOrder(targets: readonly string[], results: TargetResult[]): TargetResult[] {
  const byTarget = new Map(results.map((result) => [result.target, result]));
  return targets.flatMap((target) => byTarget.get(target) ?? []);
}
