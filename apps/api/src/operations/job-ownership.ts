import {
  ConflictException,
  ForbiddenException,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { JOB_STATES, OarClient } from '@oar-live/oar-client';
import { jobActionRefusal, type JobAction, type TargetResult } from '@oar-live/shared';
import type { AuthUser } from '../auth/auth-user';
import { ClusterStateService } from '../cluster/cluster-state.service';
import type { JobTarget } from './operation-job';

/** Jobs missing from the live snapshot are asked of OAR this many at a time (`jobs/details?ids=`). */
export const LOOKUP_BATCH = 200;

const REFUSAL_EXCEPTIONS: Record<number, new (message: string) => Error> = {
  403: ForbiddenException,
  404: NotFoundException,
  409: ConflictException,
};

type KnownJob = { id: number; user: string; state: string };

/** The jobs an action may go ahead on, and a refusal for each of the others. */
export interface JobTargets {
  jobs: JobTarget[];
  refused: TargetResult[];
}

/**
 * Who owns the jobs a user wants to act on and what state they are in: the live snapshot first;
 * jobs not in it (just submitted, or finished) are asked of OAR in bounded batches. Each target is
 * judged by the shared action rule, so a target that cannot succeed is refused with a reason and
 * never sent to OAR, while the others go ahead.
 */
@Injectable()
export class JobOwnership {
  private readonly logger = new Logger(JobOwnership.name);

  constructor(
    private readonly cluster: ClusterStateService,
    private readonly oar: OarClient,
  ) {}

  async targets(ids: readonly number[], actor: AuthUser, action: JobAction): Promise<JobTargets> {
    const known = new Map<number, KnownJob>(this.cluster.current().jobs.map((job) => [job.id, job]));
    const fromOar = new Set(ids.filter((id) => !known.has(id)));
    // The snapshot may be a poll behind (a job held a moment ago still shows Waiting): a state that
    // refuses the action is read again from OAR before it is believed. Owners never change.
    const stale = ids.filter((id) => known.has(id) && jobActionRefusal(action, known.get(id)!, actor)?.status === 409);
    for (const id of stale) fromOar.add(id);
    for (const id of stale) known.delete(id);
    for (const job of await this.lookUp([...fromOar], actor)) known.set(job.id, job);
    const result: JobTargets = { jobs: [], refused: [] };
    for (const id of ids) {
      const job = known.get(id);
      const refusal = job ? jobActionRefusal(action, job, actor) : { status: 404, reason: `There is no job ${id}.` };
      if (refusal)
        result.refused.push({
          target: String(id),
          ok: false,
          error: { status: refusal.status, message: refusal.reason },
        });
      else result.jobs.push({ id, as: job!.user });
    }
    return result;
  }

  /** One job: its refusal is the request's answer (403, 404 or 409). */
  async target(id: number, actor: AuthUser, action: JobAction): Promise<JobTarget> {
    const { jobs, refused } = await this.targets([id], actor, action);
    const error = refused[0]?.error;
    if (error) throw new (REFUSAL_EXCEPTIONS[error.status ?? 409] ?? ConflictException)(error.message);
    return jobs[0];
  }

  /** Batched, one request at a time: at most ceil(1000 / LOOKUP_BATCH) OAR reads for the largest bulk request. */
  private async lookUp(ids: number[], actor: AuthUser): Promise<KnownJob[]> {
    const found: KnownJob[] = [];
    for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
      const batch = ids.slice(i, i + LOOKUP_BATCH);
      const wanted = new Set(batch);
      try {
        const jobs = await this.oar.jobs.details({ ids: batch, state: JOB_STATES }, { as: actor.oarLogin });
        found.push(...jobs.filter((job) => wanted.has(job.id)));
      } catch (err) {
        this.logger.warn(`looking up jobs ${batch[0]}…${batch.at(-1)} in OAR failed: ${(err as Error).message}`);
        throw new ServiceUnavailableException('OAR could not be asked about these jobs just now; try again shortly.');
      }
    }
    return found;
  }
}
