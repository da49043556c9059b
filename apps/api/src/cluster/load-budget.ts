/**
 * OAR's API answers one request at a time per oarapi.pl process and every other user of it waits
 * behind oar-live: oar-live keeps the share of time OAR spends answering it under `maxLoad`.
 * Pure: the poller feeds in measured durations and asks for the periods to use.
 */

/** Something the poller does again and again: its wanted period and what one run cost OAR lately. */
export interface Activity {
  periodMs: number;
  /** Mean OAR time of one run (ms), 0 while unknown. */
  costMs: number;
}

export interface Plan {
  /** The period to use for the jobs tick (ms), ≥ the wanted one. */
  jobsPeriodMs: number;
  /** How much longer than wanted the other activities' periods are (≥ 1). */
  othersStretch: number;
}

/** The share of `maxLoad` the jobs tick may take before it is slowed too; the rest is the other reads'. */
export const JOBS_SHARE = 0.75;

/**
 * The jobs tick comes first (a state change must reach the screen fast): it keeps its period while it
 * needs at most JOBS_SHARE of `maxLoad`, and is slowed to that share beyond. The other activities
 * (resource reads, detail refreshes, full re-reads) are stretched to fit what the jobs tick leaves.
 */
export function planLoad(jobs: Activity, others: readonly Activity[], maxLoad: number): Plan {
  const jobsLoad = jobs.costMs / jobs.periodMs;
  const othersLoad = others.reduce((sum, a) => sum + a.costMs / a.periodMs, 0);
  const jobsShare = Math.min(jobsLoad, JOBS_SHARE * maxLoad);
  const jobsPeriodMs = jobsLoad > jobsShare ? jobs.costMs / jobsShare : jobs.periodMs;
  const othersStretch = Math.max(1, othersLoad / (maxLoad - jobsShare));
  return { jobsPeriodMs, othersStretch };
}

/** A running mean that follows recent costs (OAR slows down as the cluster grows). */
export function nextMean(mean: number, sample: number, weight = 0.3): number {
  return mean === 0 ? sample : mean + weight * (sample - mean);
}

/** How much one sample may move the jobs tick's mean cost: at most to this times the mean before it. */
export const BURST_CLIP = 3;

/**
 * nextMean for the jobs tick, whose cost includes the details of the jobs that changed: a burst (an
 * array of 1,000 jobs starting at once: 20 s of details) counted whole made the budget space the next
 * ticks two minutes apart, so every change after it waited. One sample moves the mean by at most
 * weight × (BURST_CLIP − 1), so a burst slows the ticks a little and passes, and a lasting rise
 * (OAR slower, more changes each tick) is followed within a few ticks.
 */
export function nextTickMean(mean: number, sample: number): number {
  return nextMean(mean, mean === 0 ? sample : Math.min(sample, BURST_CLIP * mean));
}
