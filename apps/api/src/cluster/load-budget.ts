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

/**
 * The jobs tick comes first (a state change must reach the screen fast): the other activities
 * (resource reads, detail refreshes, full re-reads) are stretched to fit what the jobs tick leaves of
 * `maxLoad`, as long as the jobs tick uses at most half of it; beyond that, everything is stretched
 * alike so the total is `maxLoad`.
 */
export function planLoad(jobs: Activity, others: readonly Activity[], maxLoad: number): Plan {
  const jobsLoad = jobs.costMs / jobs.periodMs;
  const othersLoad = others.reduce((sum, a) => sum + a.costMs / a.periodMs, 0);
  if (jobsLoad + othersLoad <= maxLoad) return { jobsPeriodMs: jobs.periodMs, othersStretch: 1 };
  if (jobsLoad <= maxLoad / 2) {
    return { jobsPeriodMs: jobs.periodMs, othersStretch: othersLoad / (maxLoad - jobsLoad) };
  }
  const stretch = (jobsLoad + othersLoad) / maxLoad;
  return { jobsPeriodMs: jobs.periodMs * stretch, othersStretch: stretch };
}

/** A running mean that follows recent costs (OAR slows down as the cluster grows). */
export function nextMean(mean: number, sample: number, weight = 0.3): number {
  return mean === 0 ? sample : mean + weight * (sample - mean);
}
