/**
 * OAR's Gantt for the jobs that cannot start now: in queue order, each gets the earliest second at
 * which its request fits on Alive resources that neither a running job nor an earlier planned job
 * holds then. Times follow what OAR 2.5.9 recorded (test/fixtures/oar/
 * jobs-details-queue-dependency-reservation-hold.json): a job behind a full cluster is planned at the
 * blocker's start + walltime + SCHEDULER_JOB_SECURITY_TIME + 1, and a job with an unfinished
 * dependency at the dependency's end + twice the security time.
 */
import { place, type PlacementQuery } from './placement';
import type { ResourceRow } from './records';

/** SCHEDULER_JOB_SECURITY_TIME of OAR 2.5.9's default oar.conf (seconds). */
export const SECURITY_TIME = 60;

export interface Slot {
  start: number;
  ids: number[];
}

export class GanttPlan {
  /** Resource id → first second it is free again in the plan (absent: free now). */
  private readonly freeFrom = new Map<number, number>();

  /** Resources held (or planned) by a job ending at `end` (its start + walltime). */
  occupy(ids: readonly number[], end: number): void {
    for (const id of ids) this.freeFrom.set(id, Math.max(this.freeFrom.get(id) ?? 0, end + SECURITY_TIME + 1));
  }

  /**
   * The earliest slot at or after `notBefore`, or null when the request never fits the Alive
   * resources. Whether a request fits only grows with time, so the candidate times (when some
   * resource frees up) are searched by halves: a handful of placements per job at any scale.
   */
  earliest(
    query: Omit<PlacementQuery, 'usable' | 'nodes'>,
    alive: (r: ResourceRow) => boolean,
    notBefore: number,
  ): Slot | null {
    const times = [...new Set([notBefore, ...[...this.freeFrom.values()].filter((t) => t > notBefore)])].sort(
      (a, b) => a - b,
    );
    const at = (t: number) => place({ ...query, usable: (r) => alive(r) && (this.freeFrom.get(r.id) ?? 0) <= t });
    let last = at(times[times.length - 1]);
    if (!last) return null;
    let [low, high] = [0, times.length - 1];
    while (low < high) {
      const middle = (low + high) >> 1;
      const ids = at(times[middle]);
      if (ids) [high, last] = [middle, ids];
      else low = middle + 1;
    }
    return { start: times[high], ids: last };
  }

  /** When a dependency lets its dependent start, or null while the dependency has no place in the Gantt. */
  static afterDependency(dependency: {
    startTime: number;
    scheduledStart: number | null;
    walltime: number | null;
  }): number | null {
    const start = dependency.startTime || dependency.scheduledStart;
    if (!start || dependency.walltime === null) return null;
    return start + dependency.walltime + 2 * SECURITY_TIME;
  }
}
