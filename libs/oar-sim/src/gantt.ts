/**
 * OAR's Gantt: every running job, accepted reservation and planned job holds its resources from
 * its start to start + walltime + SCHEDULER_JOB_SECURITY_TIME, and a job is placed in the earliest
 * hole at or after a given time where its request fits on resources nobody holds for its whole
 * duration — conservative backfilling, as OAR 2.5.9's default scheduler does: a later job may take
 * a gap before a planned one, never delay it. Times follow what OAR recorded (test/fixtures/oar/
 * jobs-details-queue-dependency-reservation-hold.json): a job behind a full cluster is planned at the
 * blocker's start + walltime + SCHEDULER_JOB_SECURITY_TIME + 1, and a job with an unfinished
 * dependency at the dependency's end + twice the security time.
 */
import { place, type PlacementQuery } from './placement';
import type { ResourceRow } from './records';

/** SCHEDULER_JOB_SECURITY_TIME of OAR 2.5.9's default oar.conf (seconds). */
export const SECURITY_TIME = 60;
/**
 * Earlier gaps tried per job before its place after everything: OAR bounds its own search too
 * (SCHEDULER_TIMEOUT); this keeps a pass short on a Grid'5000-sized queue.
 */
const GAPS_TRIED = 256;

export interface Slot {
  start: number;
  ids: number[];
}

/** Seconds [from, to) a resource is held. */
interface Hold {
  from: number;
  to: number;
}

export class GanttPlan {
  private readonly holds = new Map<number, Hold[]>();
  /** Resources free for a while before one of their holds: the only places with gaps. */
  private readonly gapped = new Set<number>();

  /** `now`: when the plan is made; a hold starting later leaves a gap before it. */
  constructor(private readonly now: number) {}

  /** Resources held by a job from `start` to `end` (its start + walltime). */
  occupy(ids: readonly number[], start: number, end: number): void {
    const hold = { from: start, to: GanttPlan.freeAgain(end) };
    for (const id of ids) {
      if (hold.from > this.now) this.gapped.add(id);
      const list = this.holds.get(id);
      if (!list) {
        this.holds.set(id, [hold]);
        continue;
      }
      if (list.some((h) => h.to < hold.from || hold.to < h.from)) this.gapped.add(id);
      list.push(hold);
    }
  }

  /** Whether nobody holds the resource at any second of [from, to). */
  freeDuring(id: number, from: number, to: number): boolean {
    const list = this.holds.get(id);
    return !list || list.every((h) => h.to <= from || to <= h.from);
  }

  /**
   * The earliest slot at or after `notBefore` for a job lasting `walltime`, or null when the
   * request never fits the Alive resources. After the last hold ends everything is free, and
   * whether a request fits then only grows with time: that place is found by halves. An earlier
   * one needs a gap on some resource, so only the times a hold ends before such a gap are tried.
   */
  earliest(
    query: Omit<PlacementQuery, 'usable' | 'nodes'>,
    alive: (r: ResourceRow) => boolean,
    notBefore: number,
    walltime: number,
  ): Slot | null {
    const ends = new Set([notBefore]);
    const lastEnd = new Map<number, number>();
    for (const [id, list] of this.holds) {
      let last = 0;
      for (const h of list) {
        last = Math.max(last, h.to);
        if (h.to > notBefore) ends.add(h.to);
      }
      lastEnd.set(id, last);
    }
    const times = [...ends].sort((a, b) => a - b);
    const after = (t: number) => place({ ...query, usable: (r) => alive(r) && (lastEnd.get(r.id) ?? 0) <= t });
    let last = after(times[times.length - 1]);
    if (!last) return null;
    let [low, high] = [0, times.length - 1];
    while (low < high) {
      const middle = (low + high) >> 1;
      const ids = after(times[middle]);
      if (ids) [high, last] = [middle, ids];
      else low = middle + 1;
    }
    const length = GanttPlan.freeAgain(walltime);
    const inGap = (t: number) => [...this.gapped].some((id) => this.freeDuring(id, t, t + length));
    for (const t of times.slice(0, high).filter(inGap).slice(0, GAPS_TRIED)) {
      const ids = place({ ...query, usable: (r) => alive(r) && this.freeDuring(r.id, t, t + length) });
      if (ids) return { start: t, ids };
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

  /** The first second a job ending at `end` leaves its resources to the next one. */
  private static freeAgain(end: number): number {
    return end + SECURITY_TIME + 1;
  }
}
