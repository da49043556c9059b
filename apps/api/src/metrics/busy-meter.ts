/** Hand-written: prom-client has no sliding-window busy-time measure. */
/**
 * OAR's busy time in the last `windowMs`, from the requests oar-live made (start and end times, ms).
 * Requests overlap only when several parts of oar-live call OAR at once; overlaps count once.
 */
export class BusyMeter {
  private spans: [number, number][] = [];
  /** OAR time of every request recorded so far (ms): the difference over an activity is its cost. */
  totalMs = 0;

  constructor(private readonly windowMs = 60_000) {}

  record(startMs: number, endMs: number): void {
    this.spans.push([startMs, endMs]);
    this.totalMs += endMs - startMs;
  }

  /** Share of the last `windowMs` before `now` during which OAR was answering oar-live (0–1). */
  share(now: number): number {
    const from = now - this.windowMs;
    this.spans = this.spans.filter(([, end]) => end > from);
    const sorted = [...this.spans].sort((a, b) => a[0] - b[0]);
    let busy = 0;
    let coveredTo = from;
    for (const [start, end] of sorted) {
      const s = Math.max(start, coveredTo);
      const e = Math.min(end, now);
      if (e > s) {
        busy += e - s;
        coveredTo = e;
      }
    }
    return busy / this.windowMs;
  }
}
