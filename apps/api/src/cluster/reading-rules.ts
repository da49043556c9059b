/**
 * The reading rule of the poller, pure: which jobs and resources to read in detail, what a job that
 * left OAR's list has become, how light rows update known resources, and which differences a full
 * re-read found that the incremental reading should have seen. The OAR requests are in ./oar-reader.
 */
import { FINAL_JOB_STATES, type Job, type JobSummary, type Resource } from '@oar-live/oar-client';
import { jobIdOf, nodeNameOf, type LiveEvent } from '@oar-live/shared';
import { sameJson, type ClusterState } from './differ';

/** The fields OAR's light job list (`GET /jobs`) carries: a change in any of them means "read the details". */
const SUMMARY_FIELDS = ['id', 'name', 'user', 'queue', 'state', 'submittedAt'] as const satisfies (keyof JobSummary)[];
/** The fields OAR's light resource list (`GET /resources`) carries besides `id`. */
const LIGHT_RESOURCE_FIELDS = ['node', 'state', 'availableUpto'] as const satisfies (keyof Resource)[];

export function summaryOf(job: JobSummary): JobSummary {
  return Object.fromEntries(SUMMARY_FIELDS.map((field) => [field, job[field]])) as unknown as JobSummary;
}

export function isFinal(job: Pick<Job, 'state'>): boolean {
  return (FINAL_JOB_STATES as readonly string[]).includes(job.state);
}

/** A job known from its last detailed read. */
export interface KnownJob<J extends Job = Job> {
  summary: JobSummary;
  job: J;
  /** When its details were read (ms). */
  readAt: number;
}

export interface JobReadPlan {
  /** Jobs whose details to read: new, changed in the light list, or due for a refresh of the fields only details carry. */
  details: number[];
  /** Jobs that left the list: read each once more for its final state. */
  vanished: number[];
  /** How many of `details` are unchanged jobs read again for the fields only details carry. */
  refreshed: number;
}

/**
 * Which jobs to read in detail this tick. Fields only the details carry (`message`, predicted start,
 * …) change without a change in the light list, so every listed job is also re-read at least once per
 * `refreshMs`: each tick takes the `ceil(listed × tickMs / refreshMs)` least recently read ones, plus
 * any read longer than `refreshMs` ago.
 */
export function planJobReads(
  known: ReadonlyMap<number, KnownJob>,
  previous: readonly Pick<Job, 'id'>[],
  listed: readonly JobSummary[],
  now: number,
  refresh: { refreshMs: number; tickMs: number },
): JobReadPlan {
  const details: number[] = [];
  const unchanged: KnownJob[] = [];
  for (const summary of listed) {
    const seen = known.get(summary.id);
    if (!seen || !sameJson(seen.summary, summaryOf(summary))) details.push(summary.id);
    else unchanged.push(seen);
  }
  const slice = Math.ceil((listed.length * refresh.tickMs) / refresh.refreshMs);
  unchanged.sort((a, b) => a.readAt - b.readAt);
  let refreshed = 0;
  unchanged.forEach((seen, i) => {
    if (i < slice || now - seen.readAt >= refresh.refreshMs) {
      details.push(seen.job.id);
      refreshed += 1;
    }
  });
  const ids = new Set(listed.map((job) => job.id));
  const vanished = [...new Set([...previous.map((job) => job.id), ...known.keys()])].filter((id) => !ids.has(id));
  return { details: details.sort((a, b) => a - b), vanished: vanished.sort((a, b) => a - b), refreshed };
}

/** What reading a vanished job once more gave. */
export type VanishedRead<J extends Job = Job> = { job: J } | { notFound: true } | { error: string };

/** Why a read was partial: a sentence for people (`source.status` degraded's `error`) and the raw error. */
export interface ReadProblem {
  error: string;
  detail: string;
}

/** A vanished job is `final` (it leaves with `job.removed`) or `still` listed (with `problem` when it could not be read). */
export type VanishedVerdict<J extends Job = Job> = { final: J } | { still: J; problem?: ReadProblem };

/** OAR answers 404 for a job whose resources were deleted: its outcome is unknown, but it did end. */
export const VANISHED_JOB_MESSAGE = 'OAR no longer knows this job (its resources were removed); its outcome is unknown';

/**
 * Final state → the job leaves with it. Still unfinished (OAR lists it again next time) → it stays.
 * 404 (OAR forgot it) → it leaves as last seen, in the final state `Error` with no exit code and
 * VANISHED_JOB_MESSAGE (the event contract promises `job.removed` a final state). Any other failure → it stays as it was and the
 * source is `degraded`: a failed read never removes a job.
 */
export function judgeVanished<J extends Job>(previous: J, read: VanishedRead<J>): VanishedVerdict<J> {
  if ('job' in read) return isFinal(read.job) ? { final: read.job } : { still: read.job };
  if ('notFound' in read)
    return { final: { ...previous, state: 'Error', exitCode: null, message: VANISHED_JOB_MESSAGE } };
  return {
    still: previous,
    problem: {
      error: `The final state of job ${previous.id} could not be read from OAR yet: it is shown as last seen.`,
      detail: read.error,
    },
  };
}

/** Ids in the light list that are not known yet: their full rows must be read. */
export function newResourceIds(known: ReadonlyMap<number, Resource>, light: readonly Resource[]): number[] {
  return light.filter((row) => !known.has(row.id)).map((row) => row.id);
}

/**
 * The resources as the light list says they are now: each known full row with the light fields
 * (node, state, availableUpto) taken from the light row; rows not in the light list are gone.
 * Rows neither known nor in `fetched` are left out (their full read failed; a later tick retries).
 */
export function mergeResources(
  known: ReadonlyMap<number, Resource>,
  light: readonly Resource[],
  fetched: ReadonlyMap<number, Resource> = new Map(),
): Resource[] {
  const merged: Resource[] = [];
  for (const row of light) {
    const full = known.get(row.id) ?? fetched.get(row.id);
    if (!full) continue;
    const next: Record<string, unknown> = { ...full };
    for (const field of LIGHT_RESOURCE_FIELDS) {
      if (row[field] === undefined) delete next[field];
      else next[field] = row[field];
    }
    merged.push(next as unknown as Resource);
  }
  return merged;
}

/** What the light lists said at one tick: job summaries and light resource rows, by id. */
export interface LightLists {
  jobs: ReadonlyMap<number, JobSummary>;
  resources: ReadonlyMap<number, Resource>;
}

/**
 * The differences a full re-read found that the incremental reading missed. `events` turn the state
 * the incremental reader had published (`before`) into the full re-read's (`after`). A difference is
 * counted only when the light lists read just before (`lightBefore`) and just after (`lightAfter`)
 * the full re-read agree on the item: otherwise it changed meanwhile, and the incremental reader sees it too.
 */
export function missedDifferences(
  events: readonly LiveEvent[],
  before: ClusterState,
  after: ClusterState,
  lightBefore: LightLists,
  lightAfter: LightLists,
): number {
  const jobStill = (id: number) => sameJson(lightBefore.jobs.get(id), lightAfter.jobs.get(id));
  const resourceStill = (id: number) => sameJson(lightBefore.resources.get(id), lightAfter.resources.get(id));
  const nodeStill = (node: { resources: { id: number }[]; jobIds: number[] }) =>
    node.resources.every((r) => resourceStill(r.id)) && node.jobIds.every(jobStill);
  const nodesBefore = new Map(before.nodes.map((node) => [node.name, node]));
  // A node.changed may be a delta (event format 2): the whole node is the full re-read's.
  const nodesAfter = new Map(after.nodes.map((node) => [node.name, node]));
  let missed = 0;
  for (const event of events) {
    if (event.type === 'node.added' || event.type === 'node.changed') {
      const name = nodeNameOf(event);
      const node = 'node' in event ? event.node : nodesAfter.get(name);
      const old = nodesBefore.get(name);
      if ((!node || nodeStill(node)) && (!old || nodeStill(old))) missed += 1;
    } else if (event.type === 'node.removed') {
      if (nodeStill(event.node)) missed += 1;
    } else if (event.type === 'job.added' || event.type === 'job.changed') {
      if (jobStill(jobIdOf(event))) missed += 1;
    } else if (event.type === 'job.removed') {
      if (jobStill(event.id)) missed += 1;
    }
  }
  return missed;
}
