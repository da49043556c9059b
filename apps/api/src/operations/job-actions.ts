import { Injectable } from '@nestjs/common';
import { JOB_STATES, OarClient, type SubmitJobRequest } from '@oar-live/oar-client';
import { ClusterAnnotations } from '../cluster/cluster-annotations';
import { forEachTarget, inTargetOrder, type ExecutionContext } from './execution';
import type { JobTarget, Outcome, PayloadOf } from './operation-job';
import { OperationStore } from './operation-store';
import { SUBMISSION_SLACK_MS, isTheSubmit, mayBeTheSubmit } from './submit-reconciliation';

/** What a script sent as a JSON field (not a file) is called. */
const DEFAULT_SCRIPT_NAME = 'script.sh';

/** job.submit, job.cancel, job.hold, job.resume, as the user's OAR login. */
@Injectable()
export class JobActions {
  constructor(
    private readonly oar: OarClient,
    private readonly store: OperationStore,
    private readonly annotations: ClusterAnnotations,
  ) {}

  /**
   * Submits exactly what the user asked (OAR sees the same request as from `oarsub`: no marker in
   * the name). The intent (`sentAt`) is recorded in Redis before OAR is called; an attempt that
   * finds it set (the earlier one timed out or its process died) first looks in OAR for the job
   * that earlier attempt may have made (see docs/operations.md, "Never two jobs for one submit").
   */
  async submit(context: ExecutionContext, payload: PayloadOf<'job.submit'>): Promise<Outcome> {
    const as = context.data.actor.oarLogin;
    const { sentAt } = context.data;
    if (sentAt) {
      const earlier = await this.findEarlierSubmit(payload.request, as, sentAt, context.data.operation.id);
      if (earlier !== undefined) {
        await this.recordSubmitted(context, payload, earlier);
        return { result: { jobId: earlier, recoveredFrom: sentAt }, targets: [String(earlier)] };
      }
    }
    await context.updateData({ sentAt: new Date().toISOString() });
    const submitted = await this.oar.jobs.submit(payload.request, { as });
    await this.recordSubmitted(context, payload, submitted.id);
    return { result: { jobId: submitted.id, cmdOutput: submitted.cmdOutput }, targets: [String(submitted.id)] };
  }

  /** Claims the job for this operation and keeps an uploaded script for its owner (see ClusterAnnotations). */
  private async recordSubmitted(context: ExecutionContext, payload: PayloadOf<'job.submit'>, jobId: number) {
    await this.store.claimSubmittedJob(jobId, context.data.operation.id);
    const { script } = payload.request;
    if (script === undefined) return;
    const shown = context.data.operation.input as { script?: { fileName?: string | null } };
    await this.annotations.recordScript(jobId, {
      fileName: shown.script?.fileName ?? DEFAULT_SCRIPT_NAME,
      owner: context.data.actor.oarLogin,
      text: script,
    });
  }

  /**
   * The job this operation already claimed (an earlier attempt got OAR's answer, then its process
   * died or Redis failed before the operation was marked done), else the oldest of the user's jobs
   * submitted since `sentAt` (by OAR's clock) that matches the request and that no operation
   * claimed. Reads the user's job list and each unclaimed candidate in full.
   */
  private async findEarlierSubmit(
    request: SubmitJobRequest,
    as: string,
    sentAt: string,
    operationId: string,
  ): Promise<number | undefined> {
    const before = Date.now();
    const oarTime = Date.parse((await this.oar.version({ as })).serverTime);
    const skewMs = oarTime - (before + Date.now()) / 2;
    const notBefore = Date.parse(sentAt) + skewMs - SUBMISSION_SLACK_MS;
    const listed = await this.oar.jobs.list({ state: JOB_STATES, user: as }, { as });
    const candidates = listed.filter((job) => mayBeTheSubmit(job, request, as, notBefore)).map((job) => job.id);
    const claims = await this.store.claimsOf(candidates);
    const own = candidates.find((id) => claims.get(id) === operationId);
    if (own !== undefined) return own;
    for (const id of candidates.filter((candidate) => !claims.has(candidate)).sort((a, b) => a - b)) {
      if (isTheSubmit(await this.oar.jobs.get(id, { as }), request)) return id;
    }
    return undefined;
  }

  async act(context: ExecutionContext, payload: PayloadOf<'job.cancel' | 'job.hold' | 'job.resume'>): Promise<Outcome> {
    const call = {
      'job.cancel': (job: JobTarget) => this.oar.jobs.cancel(job.id, { as: job.as }),
      'job.hold': (job: JobTarget) => this.oar.jobs.hold(job.id, { as: job.as }),
      'job.resume': (job: JobTarget) => this.oar.jobs.resume(job.id, { as: job.as }),
    }[payload.kind];
    const results = await forEachTarget(
      context,
      payload.jobs,
      (job) => String(job.id),
      async (job) => {
        const answer = await call(job);
        return { status: answer.status };
      },
    );
    return { results: inTargetOrder(context.operation.targets, [...(payload.refused ?? []), ...results]) };
  }
}
