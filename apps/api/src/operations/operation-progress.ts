import type { OperationProgress, TargetResult } from '@oar-live/shared';

/** A bulk operation announces its progress at most this many times (each tenth of its targets)… */
export const PROGRESS_STEPS = 10;
/** …and at most this often, so a fast operation sends fewer still. */
export const PROGRESS_MIN_INTERVAL_MS = 1000;

export function progressOf(total: number, results: Iterable<TargetResult>): OperationProgress {
  let done = 0;
  let failed = 0;
  for (const result of results) {
    done += 1;
    if (!result.ok) failed += 1;
  }
  return { total, done, failed };
}

/**
 * Counts a bulk operation's outcomes as they come and says when one is worth announcing: the number
 * of `operation.updated` events per operation is bounded (PROGRESS_STEPS), whatever its size.
 */
export class ProgressTally {
  private readonly seen = new Map<string, TargetResult>();
  private lastStep = 0;
  private lastAt = 0;

  constructor(
    public total: number,
    settled: readonly TargetResult[] = [],
    private readonly now: () => number = Date.now,
  ) {
    for (const result of settled) this.seen.set(result.target, result);
    this.lastStep = this.step();
  }

  /** Records an outcome; true when an announcement is due. */
  record(result: TargetResult): boolean {
    this.seen.set(result.target, result);
    const step = this.step();
    if (step <= this.lastStep || this.now() - this.lastAt < PROGRESS_MIN_INTERVAL_MS) return false;
    this.lastStep = step;
    this.lastAt = this.now();
    return true;
  }

  has(target: string): boolean {
    return this.seen.has(target);
  }

  get progress(): OperationProgress {
    return progressOf(this.total, this.seen.values());
  }

  private step(): number {
    return this.total === 0 ? 0 : Math.floor((this.seen.size * PROGRESS_STEPS) / this.total);
  }
}
