import { Injectable } from '@nestjs/common';
import { JOB_STATES, OarClient } from '@oar-live/oar-client';
import { createHash } from 'node:crypto';
import { forEachTarget, inTargetOrder, type ExecutionContext } from './execution';
import type { JobTarget, Outcome, PayloadOf } from './operation-job';

/**
 * Part of every job name oar-live submits, unique to the operation: after a submit whose outcome is
 * unknown (sent, then a timeout or a crash) the job is looked for by it before anything is resent.
 */
export function submitMarker(operationId: string): string {
  return `oplive-${createHash('sha256').update(operationId).digest('hex').slice(0, 12)}`;
}

/** job.submit, job.cancel, job.hold, job.resume, as the user's OAR login. */
@Injectable()
export class JobActions {
  constructor(private readonly oar: OarClient) {}

  async submit(context: ExecutionContext, payload: PayloadOf<'job.submit'>): Promise<Outcome> {
    const { actor, operation } = context.data;
    const marker = submitMarker(operation.id);
    const as = actor.oarLogin;
    if (context.data.sentAt) {
      const jobs = await this.oar.jobs.list({ state: JOB_STATES }, { as });
      const earlier = jobs.find((job) => job.name?.endsWith(marker));
      if (earlier)
        return { result: { jobId: earlier.id, recoveredFrom: context.data.sentAt }, targets: [String(earlier.id)] };
    }
    await context.updateData({ sentAt: new Date().toISOString() });
    const name = payload.request.name ? `${payload.request.name}.${marker}` : marker;
    const submitted = await this.oar.jobs.submit({ ...payload.request, name }, { as });
    return { result: { jobId: submitted.id, cmdOutput: submitted.cmdOutput }, targets: [String(submitted.id)] };
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
