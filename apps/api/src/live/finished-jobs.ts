import { Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { FINAL_JOB_STATES, OarClient, OarHttpError, type Job } from '@oar-live/oar-client';

/** Finished jobs kept in memory: their record in OAR no longer changes. */
const CACHED_JOBS = 1000;

/**
 * Jobs that left the snapshot, read from OAR on demand as the poller reads their final state
 * (as `oar`, who may read any job). A Map in insertion order is the whole cache (oldest out first):
 * a library for 1,000 immutable entries would add more than it saves.
 */
@Injectable()
export class FinishedJobs {
  private readonly logger = new Logger(FinishedJobs.name);
  private readonly cache = new Map<number, Job>();

  constructor(private readonly oar: OarClient) {}

  async get(id: number): Promise<Job> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    let job: Job;
    try {
      job = await this.oar.jobs.get(id, { as: 'oar' });
    } catch (err) {
      if (err instanceof OarHttpError && err.status === 404) throw new NotFoundException(`job ${id} does not exist`);
      this.logger.warn(`reading job ${id} from OAR: ${(err as Error).message}`);
      throw new ServiceUnavailableException(`Job ${id} could not be read: OAR did not answer. Try again in a moment.`);
    }
    if (FINAL_JOB_STATES.includes(job.state as never)) {
      this.cache.set(id, job);
      if (this.cache.size > CACHED_JOBS) this.cache.delete(this.cache.keys().next().value!);
    }
    return job;
  }
}
