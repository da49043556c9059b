/**
 * The reading rule of the poller, pure: which jobs and resources to read in detail, what a job that
 * left OAR's list has become, how light rows update known resources, and which disagreements of a
 * full re-read with the incremental state are differences it missed. The OAR requests are in ./oar-reader.
 */
import { FINAL_JOB_STATES, type Job, type JobSummary, type Resource } from '@oar-live/oar-client';
import { sameJson, TICK } from './differ';

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
  /** New jobs and jobs changed in the light list: read first, their events are what people wait for. */
  changed: number[];
  /**
   * Unchanged jobs read again once the changed ones' batch is out (so these reads never delay it):
   * refreshes of the fields only details carry, new jobs awaiting their first plan, and jobs whose
   * plan a resource's state change may have moved.
   */
  owed: number[];
  /** Jobs that left the list: read each once more for its final state. */
  vanished: number[];
  /** How many of `owed` are refreshes (the load budget's refresh activity; the others are the jobs tick's). */
  refreshed: number;
}

/** Unchanged jobs are read again this many at a time (at least): each request costs OAR 0.1 s and more besides its jobs. */
export const REFRESH_BATCH = 5;
/**
 * How long after its submission a job OAR has not placed yet is looked at for its first plan. Not
 * stretched by the load budget: with the refresh bound stretched to hours, every one of 1,000 waiting
 * jobs OAR never placed qualified, and reading 5 of them each tick made OAR busy 36 % of the time.
 */
export const FIRST_PLAN_WINDOW_MS = 120_000;

/**
 * How many unchanged jobs to read again this tick, so that every one of `listed` jobs is read once per
 * `refreshMs`: `listed × tickMs / refreshMs` more are owed each tick, and they are read once a batch
 * (REFRESH_BATCH, or every listed job if fewer) is owed; the fraction left stays owed. Reading at least
 * one each tick made the refreshes cost OAR 3 times what the load budget planned for them.
 */
export function refreshSlice(
  owed: number,
  listed: number,
  refresh: { refreshMs: number; tickMs: number },
): { slice: number; owed: number } {
  const total = Math.min(listed, owed + (listed * refresh.tickMs) / refresh.refreshMs);
  const slice = total > 0 && total >= Math.min(REFRESH_BATCH, listed) ? Math.floor(total) : 0;
  return { slice, owed: total - slice };
}

/**
 * Which jobs to read in detail this tick. Fields only the details carry (`message`, predicted start,
 * …) change without a change in the light list, so every listed job is also re-read at least once per
 * `refreshMs`: each tick takes the `slice` least recently read ones (refreshSlice), plus any read
 * longer than `refreshMs` ago. `replannedUntil`: jobs to read each tick until then (see replannedJobs).
 */
export function planJobReads(
  known: ReadonlyMap<number, KnownJob>,
  previous: readonly Pick<Job, 'id'>[],
  listed: readonly JobSummary[],
  now: number,
  refresh: { refreshMs: number; slice: number; replannedUntil?: ReadonlyMap<number, number> },
): JobReadPlan {
  const changed: number[] = [];
  const unchanged: KnownJob[] = [];
  for (const summary of listed) {
    const seen = known.get(summary.id);
    if (!seen || !sameJson(seen.summary, summaryOf(summary))) changed.push(summary.id);
    else unchanged.push(seen);
  }
  const { slice } = refresh;
  unchanged.sort((a, b) => a.readAt - b.readAt);
  const owed: number[] = [];
  let refreshed = 0;
  let unplaced = 0;
  unchanged.forEach((seen, i) => {
    if (i < slice || now - seen.readAt >= refresh.refreshMs) {
      owed.push(seen.job.id);
      refreshed += 1;
    } else if (unplaced < REFRESH_BATCH && awaitsFirstPlan(seen, now)) {
      owed.push(seen.job.id);
      unplaced += 1;
    } else if ((refresh.replannedUntil?.get(seen.job.id) ?? -Infinity) >= now) owed.push(seen.job.id);
  });
  const ids = new Set(listed.map((job) => job.id));
  const vanished = [...new Set([...previous.map((job) => job.id), ...known.keys()])].filter((id) => !ids.has(id));
  const byId = (a: number, b: number) => a - b;
  return { changed: changed.sort(byId), owed: owed.sort(byId), vanished: vanished.sort(byId), refreshed };
}

/**
 * A job submitted less than FIRST_PLAN_WINDOW_MS ago that OAR has not placed yet: OAR gives it a
 * predicted start and planned cores at a scheduling pass seconds later (tens of seconds on a big
 * cluster), and the light list does not say when. It is read again as it ages: whenever the time since
 * its last read is at least its age at that read (about 2, 4, 8, … s after submission), so a new job's
 * plan shows within twice the time OAR took, for a handful of reads a job.
 */
function awaitsFirstPlan({ job, readAt }: KnownJob, now: number): boolean {
  const submitted = Date.parse(job.submittedAt);
  const age = now - submitted;
  if (job.state !== 'Waiting' || job.scheduledStart !== undefined || age < 0 || age >= FIRST_PLAN_WINDOW_MS)
    return false;
  return now - readAt >= Math.max(0, readAt - submitted);
}

/**
 * OAR plans again around a resource that changed state, at a scheduling pass a few seconds later, and
 * the light rows of the waiting jobs planned on it do not change: those jobs are read each tick for
 * `windowMs`, so their new plan or OAR's "no slot" shows without waiting for the refresh.
 * Returns `replannedUntil` with these jobs added and the expired ones left out (planJobReads also
 * ignores an expired one: this keeps the map small).
 */
export function replannedJobs(
  replannedUntil: ReadonlyMap<number, number>,
  jobs: Iterable<Pick<Job, 'id' | 'plannedResourceIds'>>,
  stateChanged: ReadonlySet<number>,
  now: number,
  windowMs: number,
): Map<number, number> {
  const next = new Map([...replannedUntil].filter(([, until]) => until >= now));
  if (stateChanged.size === 0) return next;
  for (const job of jobs)
    if (job.plannedResourceIds?.some((id) => stateChanged.has(id))) next.set(job.id, now + windowMs);
  return next;
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
 * The known row in place of a light row that says the same in the light fields: what mergeResources
 * keeps then. Taken as each row arrives, the light row is garbage at once; the 25,000 rows of a whole
 * light list kept until its last page outlived two young-generation collections, were copied into
 * the old generation, then dropped: 100+ ms of collections around each resource read.
 */
export function knownIfSame(known: ReadonlyMap<number, Resource>, row: Resource): Resource {
  const full = known.get(row.id);
  return full && LIGHT_RESOURCE_FIELDS.every((field) => full[field] === row[field]) ? full : row;
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
    // The row itself when the light fields agree: no copy, and the reader keeps the nodes built from it.
    if (LIGHT_RESOURCE_FIELDS.every((field) => full[field] === row[field])) {
      merged.push(full);
      continue;
    }
    const next: Record<string, unknown> = { ...full };
    for (const field of LIGHT_RESOURCE_FIELDS) {
      if (row[field] === undefined) delete next[field];
      else next[field] = row[field];
    }
    merged.push(next as unknown as Resource);
  }
  return merged;
}

/**
 * Notes in `changedIn` the number `list` of the light list in which each item appeared, changed or
 * disappeared: what a full re-read running meanwhile may disagree on without any reader being wrong.
 * Returns how many it noted.
 */
export function noteLightChanges<T>(
  changedIn: Map<number, number>,
  before: ReadonlyMap<number, T>,
  after: ReadonlyMap<number, T>,
  list: number,
): number {
  let noted = 0;
  const note = (id: number) => {
    changedIn.set(id, list);
    noted += 1;
  };
  for (const [id, row] of after) if (!sameJson(before.get(id), row)) note(id);
  for (const id of before.keys()) if (!after.has(id)) note(id);
  return noted;
}

/** Where a full re-read began, in the incremental reader's terms. */
export interface CheckMark {
  /** How many light job lists and light resource lists had been answered. */
  jobLists: number;
  resourceLists: number;
  /** When the full re-read began (ms, the incremental reader's clock). */
  at: number;
}

/** The incremental reader's state when a full re-read is compared with it. */
export interface IncrementalView {
  jobs: ReadonlyMap<number, KnownJob>;
  resources: ReadonlyMap<number, Resource>;
  /** Per id, the number of the light list in which it last appeared, changed or disappeared (noteLightChanges). */
  jobChangedIn: ReadonlyMap<number, number>;
  resourceChangedIn: ReadonlyMap<number, number>;
}

/** What a full re-read gave: the unfinished jobs, the final states of those that ended, every resource. */
export interface FullView {
  jobs: readonly Job[];
  finals: ReadonlyMap<number, Job>;
  resources: readonly Resource[];
}

/** Items to read once more before a disagreement is counted (checkSuspects). */
export interface Suspects {
  jobs: number[];
  resources: number[];
}

/**
 * The items on which a full re-read disagrees with the incremental state although the incremental
 * reader had no reason to read them again: no light list answered after the re-read began saw them
 * change, and (jobs) their details were last read before it began. An item the light lists saw
 * change meanwhile is the incremental reader's: the full read may have caught it before or after the
 * change. Called after a tick whose job and resource lists were both asked for after the full re-read
 * ended, so every change the full read could have seen is one those lists could see too.
 * A generator yielding TICK after each item compared, so the reader can pace it (comparing 25,000
 * resources' full rows took 120-170 ms in one go on a loaded host); it returns the suspects.
 */
export function* checkSuspects(
  incremental: IncrementalView,
  full: FullView,
  mark: CheckMark,
): Generator<typeof TICK, Suspects, undefined> {
  const fullJobs = new Map<number, Job>([...full.jobs.map((job): [number, Job] => [job.id, job]), ...full.finals]);
  const still = (changedIn: ReadonlyMap<number, number>, id: number, since: number) => {
    const list = changedIn.get(id);
    // Never in a light list the incremental reader read: it lived and ended while the full read ran.
    return list !== undefined && list <= since;
  };
  const jobs: number[] = [];
  for (const id of new Set([...incremental.jobs.keys(), ...fullJobs.keys()])) {
    const known = incremental.jobs.get(id);
    const fresh = fullJobs.get(id);
    const suspect =
      fresh !== undefined &&
      still(incremental.jobChangedIn, id, mark.jobLists) &&
      (known ? known.readAt < mark.at && !sameJson(known.job, fresh) : !isFinal(fresh));
    if (suspect) jobs.push(id);
    yield TICK;
  }
  const fullResources = new Map(full.resources.map((row) => [row.id, row]));
  const resources: number[] = [];
  for (const id of new Set([...incremental.resources.keys(), ...fullResources.keys()])) {
    if (
      still(incremental.resourceChangedIn, id, mark.resourceLists) &&
      !sameJson(incremental.resources.get(id), fullResources.get(id))
    )
      resources.push(id);
    yield TICK;
  }
  return { jobs: jobs.sort((a, b) => a - b), resources: resources.sort((a, b) => a - b) };
}

/** What the suspects' second read gave: a job's details, a resource's row (null: OAR no longer has it). */
export interface SuspectReads {
  jobs: ReadonlyMap<number, Job>;
  resources: ReadonlyMap<number, Resource | null>;
}

/** The incremental state after the check, the jobs it found ended, and the differences counted. */
export interface CheckVerdict {
  jobs: Map<number, KnownJob>;
  resources: Map<number, Resource>;
  finals: Map<number, Job>;
  differences: number;
}

/**
 * Each suspect's second read decides. It agrees with the incremental state: the full read caught a
 * passing state; nothing is counted or changed. Otherwise the item takes the second read's value (the
 * poller diffs it like any tick, so the event stream stays exact), and it is a difference when the
 * second read agrees with the full read: the incremental state had missed it. Except a job that
 * differs only in fields the light list lacks (message, predicted start, …) and whose details the
 * incremental reader read less than `refreshMs` ago: it promises those within that bound and has not
 * broken the promise yet. A job the second read did not return stays as it is (the next tick reads it).
 */
export function judgeSuspects(
  incremental: IncrementalView,
  full: FullView,
  suspects: Suspects,
  reads: SuspectReads,
  now: number,
  refreshMs: number,
): CheckVerdict {
  const jobs = new Map(incremental.jobs);
  const resources = new Map(incremental.resources);
  const finals = new Map<number, Job>();
  const fullJobs = new Map<number, Job>([...full.jobs.map((job): [number, Job] => [job.id, job]), ...full.finals]);
  let differences = 0;
  for (const id of suspects.jobs) {
    const known = jobs.get(id);
    const reread = reads.jobs.get(id);
    if (!reread || (known && sameJson(known.job, reread)) || (!known && isFinal(reread))) continue;
    const withinBound =
      known !== undefined &&
      now - known.readAt < refreshMs &&
      SUMMARY_FIELDS.every((field) => sameJson(known.job[field], reread[field]));
    if (sameJson(fullJobs.get(id), reread) && !withinBound) differences += 1;
    if (isFinal(reread)) {
      jobs.delete(id);
      finals.set(id, reread);
    } else jobs.set(id, { summary: known?.summary ?? summaryOf(reread), job: reread, readAt: now });
  }
  const fullResources = new Map(full.resources.map((row) => [row.id, row]));
  for (const id of suspects.resources) {
    if (!reads.resources.has(id)) continue;
    const row = reads.resources.get(id) ?? undefined;
    if (sameJson(resources.get(id), row)) continue;
    if (sameJson(fullResources.get(id), row)) differences += 1;
    if (row) resources.set(id, row);
    else resources.delete(id);
  }
  return { jobs, resources, finals, differences };
}
