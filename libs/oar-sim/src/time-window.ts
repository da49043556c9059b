import type { JobRow } from './records';

/** States OAR counts as "still running" when it looks for jobs active at `from`. */
const ACTIVE_UNSTOPPED = new Set(['Running', 'Suspended', 'Resuming']);

/**
 * Whether GET /jobs?from=&to= (epoch seconds) lists the job, as OAR 2.5.9's
 * get_jobs_for_user_query decides (the union of its three SELECTs):
 * - a job that started: it ended at or after `from` (or still runs with walltime left at `from`), and
 *   started before `to`;
 * - a Waiting job in the Gantt: its planned slot overlaps the window;
 * - a job that never started: submitted within the window.
 */
export function inTimeWindow(job: JobRow, from?: number, to?: number): boolean {
  if (from === undefined && to === undefined) return true;
  if (job.startTime > 0) {
    const walltime = job.walltime ?? 0;
    const endsAfterFrom =
      from === undefined ||
      job.stopTime >= from ||
      (job.stopTime === 0 &&
        ACTIVE_UNSTOPPED.has(job.state) &&
        (job.state !== 'Running' || job.startTime + walltime >= from));
    return endsAfterFrom && (to === undefined || job.startTime < to);
  }
  if (job.scheduledStart !== null && job.walltime !== null) {
    const start = job.scheduledStart;
    if ((from === undefined || start + job.walltime >= from) && (to === undefined || start < to)) return true;
  }
  return (from === undefined || from <= job.submissionTime) && (to === undefined || job.submissionTime <= to);
}
