import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { isTransient } from '@oar-live/oar-client';
import { isFinished, type TargetResult } from '@oar-live/shared';
import type { Job as QueueJob } from 'bullmq';
import { IncomingActions } from '../common/incoming-actions';
import { failurePhrase, QueueJobLost, toOperationError, type ExecutionContext } from './execution';
import { JobActions } from './job-actions';
import { NodeActions } from './node-actions';
import { OPERATIONS_QUEUE, type OperationJobData, type Outcome } from './operation-job';
import { ProgressTally } from './operation-progress';
import { OperationsService } from './operations.service';

/** How long a worker's hold on its queue job lasts unless renewed (BullMQ renews it at half). */
const LOCK_DURATION_MS = 15_000;

/**
 * The worker: one queue job at a time per process (concurrency 1), and one across all processes
 * through the queue's global concurrency (set by OperationsWorkerStart, operations.module.ts). A queue
 * job whose worker died is taken again after its lock expires (stalled), so a crash mid-operation
 * resumes it. ("Queue job" is BullMQ's unit of work, one per operation; "job" alone is an OAR job.)
 */
@Processor(OPERATIONS_QUEUE, {
  autorun: false,
  concurrency: 1,
  lockDuration: LOCK_DURATION_MS,
  stalledInterval: 5_000,
  maxStalledCount: 10,
})
export class OperationsProcessor extends WorkerHost {
  private readonly logger = new Logger(OperationsProcessor.name);

  constructor(
    private readonly operations: OperationsService,
    private readonly jobs: JobActions,
    private readonly nodes: NodeActions,
    private readonly incoming: IncomingActions,
  ) {
    super();
  }

  async process(queueJob: QueueJob<OperationJobData>, token?: string): Promise<void> {
    await this.incoming.allAnswered();
    const id = queueJob.data.operation.id;
    const attempts = queueJob.attemptsStarted;
    const operation = await this.operations.ensureStored(queueJob.data);
    if (isFinished(operation.state)) return;
    const settled = await this.operations.results(id);
    const tally = new ProgressTally(operation.targets.length, settled);
    const current = await this.operations.transition(
      queueJob.data,
      'active',
      attempts,
      isBulk(queueJob.data) ? { progress: tally.progress } : {},
    );
    const context: ExecutionContext = {
      data: queueJob.data,
      operation: { ...current, results: settled },
      updateData: async (patch) => {
        // Checked first, as BullMQ's updateData writes to a job of that id whoever holds it (a
        // client's resend may have queued it again after Redis lost it).
        if (!token || (await queueJob.extendLock(token, LOCK_DURATION_MS)) !== 1) throw new QueueJobLost();
        await queueJob.updateData({ ...queueJob.data, ...patch });
      },
      saveResult: async (result) => {
        await this.operations.saveResults(id, [result]);
        if (tally.record(result)) await this.operations.announceProgress(current, tally.progress);
      },
      setTargets: async (targets) => {
        tally.total = targets.length;
        await this.operations.progress(queueJob.data, (op) => ({ ...op, targets }));
      },
    };
    try {
      const outcome = await this.execute(context);
      // Targets refused before the operation ran are stored with the others, once.
      const unsaved = outcome.results?.filter((result) => !tally.has(result.target)) ?? [];
      await this.operations.saveResults(id, unsaved);
      for (const result of unsaved) tally.record(result);
      const error = failureOf(outcome.results);
      if (error) this.logger.warn(`operation ${id} (${queueJob.data.payload.kind}) failed: ${error.message}`);
      await this.operations.transition(queueJob.data, error ? 'failed' : 'succeeded', attempts, {
        ...(outcome.result && { result: outcome.result }),
        ...(outcome.results && { progress: tally.progress }),
        ...(outcome.targets && { targets: outcome.targets }),
        ...(error && { error }),
      });
    } catch (err) {
      if (err instanceof QueueJobLost) return this.handBack(queueJob.data, attempts);
      const retry = isTransient(err) && queueJob.attemptsMade + 1 < (queueJob.opts.attempts ?? 1);
      const error = toOperationError(err, failurePhrase(queueJob.data.payload));
      await this.operations.transition(queueJob.data, retry ? 'retrying' : 'failed', attempts, { error });
      if (retry) throw err;
      this.logger.warn(
        `operation ${id} (${queueJob.data.payload.kind}) failed: ${error.message} ${error.detail ?? ''}`,
      );
      if (!isTransient(err) && !error.status) this.logger.error(err);
    }
  }

  /**
   * This attempt lost its queue job before sending anything OAR does not undo (see QueueJobLost).
   * Gone from Redis (restarted without its data): queued again from this worker's copy, intent
   * included, so the next attempt looks in OAR first if an earlier one may have sent it. There
   * again: another worker took it over (this one stalled), or the client sent it again; that one runs.
   */
  private async handBack(data: OperationJobData, attempts: number): Promise<void> {
    const id = data.operation.id;
    if (await this.operations.isQueued(id)) {
      this.logger.warn(`operation ${id}: its queue job is held or queued anew; this attempt stops before calling OAR`);
      return;
    }
    await this.operations.transition(data, 'queued', attempts);
    await this.operations.requeue(data);
    this.logger.warn(
      `operation ${id}: Redis lost its queue job while it ran (restarted without its data?); queued again`,
    );
  }

  private execute(context: ExecutionContext): Promise<Outcome> {
    const { payload } = context.data;
    switch (payload.kind) {
      case 'job.submit':
        return this.jobs.submit(context, payload);
      case 'job.cancel':
      case 'job.hold':
      case 'job.resume':
        return this.jobs.act(context, payload);
      case 'node.create':
        return this.nodes.create(context, payload);
      case 'node.state':
        return this.nodes.setState(context, payload);
      case 'node.delete':
        return this.nodes.delete(context, payload);
    }
  }
}

/** Failures named in a bulk operation's error; the others are counted (all are in its results). */
const FAILURES_NAMED = 5;

/** A bulk operation fails when any target failed: one target → its error; several → a short summary. */
function failureOf(results: TargetResult[] | undefined) {
  const failed = results?.filter((result) => !result.ok) ?? [];
  if (failed.length === 0) return undefined;
  if (results!.length === 1) return failed[0].error;
  const named = failed.slice(0, FAILURES_NAMED).map((r) => `${r.target}: ${r.error?.message}`);
  if (failed.length > FAILURES_NAMED) named.push(`and ${failed.length - FAILURES_NAMED} more`);
  return { message: `${failed.length} of ${results!.length} targets failed: ${named.join('; ')}` };
}

/** Kinds with per-target results (progress is reported for them). */
function isBulk(data: OperationJobData): boolean {
  return data.payload.kind !== 'job.submit';
}
