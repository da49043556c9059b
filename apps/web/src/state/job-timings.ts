import type { Job } from '@oar-live/oar-client';

export interface JobTimings {
  submitted?: string;
  started?: string;
  ended?: string;
  /** Seconds run so far (or in all, once ended). */
  elapsed?: number;
  /** Seconds of walltime left, for a job that runs. */
  remaining?: number;
}

/** A job's times as its page shows them, at `now` (ms). Pure. */
export function jobTimings(job: Job, now: number): JobTimings {
  const started = job.startedAt ? Date.parse(job.startedAt) : undefined;
  const ended = job.stoppedAt ? Date.parse(job.stoppedAt) : undefined;
  const elapsed = started === undefined ? undefined : Math.max(0, Math.round(((ended ?? now) - started) / 1000));
  const remaining =
    elapsed !== undefined && ended === undefined && job.walltime !== undefined
      ? Math.max(0, job.walltime - elapsed)
      : undefined;
  return { submitted: job.submittedAt || undefined, started: job.startedAt, ended: job.stoppedAt, elapsed, remaining };
}
