import type { Job, Node } from '@oar-live/oar-client';
import { RUNNING_STATES, WAITING_STATES, summarize } from './cluster-summary';

/** What oar-live records once a minute: cores by use and jobs by phase (docs/http-api.md). */
export interface UtilisationSample {
  /** Epoch milliseconds of the minute it was taken in (a multiple of 60,000). */
  at: number;
  coresBusy: number;
  /** Alive and idle (planned for a waiting job or not). */
  coresFree: number;
  /** Not Alive (Absent, Suspected, Dead). */
  coresUnavailable: number;
  jobsRunning: number;
  jobsWaiting: number;
}

export const UTILISATION_SERIES = ['coresBusy', 'coresFree', 'coresUnavailable', 'jobsRunning', 'jobsWaiting'] as const;
export type UtilisationSeriesName = (typeof UTILISATION_SERIES)[number];

/**
 * `GET /api/utilisation`: the samples of a time window as columns (one array per series, `at` in epoch
 * seconds), the shape charting libraries take without copying.
 */
export type UtilisationColumns = { periodSeconds: number; at: number[] } & Record<UtilisationSeriesName, number[]>;

export const UTILISATION_PERIOD_MS = 60_000;

/** The sample of a cluster as it is at `now`, stamped with the start of its minute. */
export function utilisationOf(
  cluster: { nodes: readonly Node[]; jobs: readonly Job[] },
  now: number,
): UtilisationSample {
  const { cores } = summarize(cluster.nodes, cluster.jobs);
  const count = (states: Set<string>) => cluster.jobs.filter((job) => states.has(job.state)).length;
  return {
    at: now - (now % UTILISATION_PERIOD_MS),
    coresBusy: cores.busy,
    coresFree: cores.free + cores.planned,
    coresUnavailable: cores.unavailable,
    jobsRunning: count(RUNNING_STATES),
    jobsWaiting: count(WAITING_STATES),
  };
}

/** Samples as columns, in the order given. */
export function utilisationColumns(samples: readonly UtilisationSample[]): UtilisationColumns {
  const columns: UtilisationColumns = {
    periodSeconds: UTILISATION_PERIOD_MS / 1000,
    at: samples.map((s) => s.at / 1000),
    coresBusy: [],
    coresFree: [],
    coresUnavailable: [],
    jobsRunning: [],
    jobsWaiting: [],
  };
  for (const sample of samples) for (const name of UTILISATION_SERIES) columns[name].push(sample[name]);
  return columns;
}
