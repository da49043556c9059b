/**
 * How long the real OAR 2.5.9 API takes to answer, so that oar-sim is not 25–250× faster than the
 * OAR it stands for: a cost per request, per row OAR's query goes through (the whole table: it
 * counts and sorts before paging) and per item returned, for each kind of read.
 */

export type CostedRead = 'resources/full' | 'resources' | 'jobs' | 'jobs/details' | 'jobs/details?ids' | 'other';

export interface ReadCost {
  /** Milliseconds every such request costs. */
  requestMs: number;
  /** Milliseconds per row of the table the query goes through (resources: all of them). */
  rowMs: number;
  /** Milliseconds per item in the answer. */
  itemMs: number;
}

export type CostModel = Record<CostedRead, ReadCost>;

const FREE: ReadCost = { requestMs: 0, rowMs: 0, itemMs: 0 };

/** Answers at once (tests, `npm start`). */
export const NO_COSTS: CostModel = {
  'resources/full': FREE,
  resources: FREE,
  jobs: FREE,
  'jobs/details': FREE,
  'jobs/details?ids': FREE,
  other: FREE,
};

/**
 * Measured on this project's sandbox with `scripts/measure-oar-costs` (2 cores, 2026-12-04/05,
 * table in libs/oar-sim/README.md). The machine was busy (load average 12–25), which stretched wall
 * times 3–13×, so each part comes from the measure the load does not distort:
 * - per item and per row: OAR's own CPU time (oarapi.pl and PostgreSQL, read from /proc), e.g.
 *   resources/full at 25,008 resources: 1 item 10 ms, 500 items 80 ms, 5,000 items 720 ms;
 *   jobs/details: 20 jobs 260–400 ms; jobs/details?ids= 20 jobs 210–250 ms; jobs: 997 jobs 190 ms.
 *   On a quiet machine wall time matches it (issue 13: resources/full at 5,000 a page 3.5 s for
 *   25,008 resources, here 5 × (100 + 5,000 × 0.135) = 3.9 s; jobs/details 11–13 s for 1,000 jobs).
 * - per request: 100 ms, the wall time of a 1-item read (68–120 ms on the quiet-ish 8-resource
 *   sandbox): CPU accounting misses it, because oarapi.pl opens a new PostgreSQL connection per
 *   request and that backend process has exited before /proc is read again. With it, 25,008
 *   resources at 500 a page cost 50 × (100 + 67.5) = 8.4 s (issue 13 measured 8.3 s).
 */
export const MEASURED_COSTS: CostModel = {
  // 5,000 items: 720 − 80 ms over 4,500 items (CPU); no measurable cost per row (1 item: 10 ms at 8 or 25,008).
  'resources/full': { requestMs: 100, rowMs: 0, itemMs: 0.135 },
  // 5,000 items 530 ms, 500 items 70 ms (CPU) at 25,008 resources.
  resources: { requestMs: 100, rowMs: 0, itemMs: 0.102 },
  // 1 item: 10 ms CPU with 100 jobs, 50 ms with 1,000 (the query goes through all: 0.044 ms a row);
  // 997 items 190 ms.
  jobs: { requestMs: 100, rowMs: 0.044, itemMs: 0.14 },
  // 20 jobs: 260 and 400 ms CPU (100 and 1,000 jobs in OAR), 1 job 20–90 ms: 9–20 ms a job.
  'jobs/details': { requestMs: 100, rowMs: 0, itemMs: 14 },
  // 20 named jobs: 210–250 ms CPU, 1 named job 20–30 ms.
  'jobs/details?ids': { requestMs: 100, rowMs: 0, itemMs: 11 },
  // One job, an action, the API's root: one request's overhead.
  other: { requestMs: 100, rowMs: 0, itemMs: 0 },
};

/** Milliseconds one read costs: `rows` the query goes through, `items` it answers. */
export function readCostMs(model: CostModel, read: CostedRead, rows: number, items: number): number {
  const cost = model[read];
  return cost.requestMs + cost.rowMs * rows + cost.itemMs * items;
}
