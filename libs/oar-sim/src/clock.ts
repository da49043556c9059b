/**
 * Simulated time: real time since start, multiplied by the time factor, so a `sleep 60` job lasts
 * 60 simulated seconds (6 real seconds at factor 10) and its start/stop times stay consistent.
 */
export class SimClock {
  private readonly realStart = Date.now();
  private readonly simStart: number;

  constructor(
    readonly timeFactor = 1,
    startEpochSeconds = Date.now() / 1000,
  ) {
    if (!(timeFactor > 0)) throw new Error(`time factor must be > 0, got ${timeFactor}`);
    this.simStart = startEpochSeconds;
  }

  /** Simulated epoch seconds (fractional). */
  now(): number {
    return this.simStart + ((Date.now() - this.realStart) / 1000) * this.timeFactor;
  }

  /** Simulated epoch seconds, whole (what OAR stores and shows). */
  epoch(): number {
    return Math.floor(this.now());
  }

  /** Real milliseconds until the simulated time `at`. */
  realDelayMs(at: number): number {
    return Math.max(0, ((at - this.now()) * 1000) / this.timeFactor);
  }
}
