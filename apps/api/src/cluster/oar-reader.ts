/**
 * The two ways the poller reads OAR. `FullReader` reads everything (jobs/details + resources/full),
 * as oar-live always did: kept for the periodic re-read and for comparison. `IncrementalReader` reads
 * the light lists each tick and the heavy details only for what is new or changed. The decisions are
 * the pure rules of ./reading-rules; this file only asks OAR.
 */
import {
  buildNodes,
  OarNotFoundError,
  type Job,
  type JobSummary,
  type OarClient,
  type Resource,
} from '@oar-live/oar-client';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { turnPacer } from '../common/turn-pacer';
import type { ClusterState } from './differ';
import { NodeBuilder } from './node-builder';
import {
  checkSuspects,
  isFinal,
  judgeSuspects,
  judgeVanished,
  mergeResources,
  newResourceIds,
  noteLightChanges,
  planJobReads,
  sameLightRow,
  summaryOf,
  type CheckMark,
  type FullView,
  type KnownJob,
  type LightLists,
  type Suspects,
  type VanishedRead,
  type ReadProblem,
} from './reading-rules';

/** What one successful read of OAR gives: the new state and the final states of vanished jobs. */
export interface Reading {
  state: ClusterState;
  finals: Map<number, Job>;
  /** Set when the lists were read but a vanished job could not be: the source is `degraded`. */
  problem?: ReadProblem;
}

/**
 * Items per page of the incremental reader's lists. OAR takes any `limit`; 5,000 was the fastest
 * page size measured for 25,000 resources, and a page of that size parses in a few ms.
 */
export const READ_PAGE_SIZE = 5000;
/**
 * Job ids per `jobs/details?ids=` request. oarapi.pl spends 10-80 ms per job on details (more under
 * load) and mod_fcgid gives up after 40 s: 1,000 jobs in one request answered 500 on a loaded host.
 */
const IDS_PER_REQUEST = 100;
/** More new resources than this are read with one `resources/full` instead of one request each. */
const FULL_RESOURCE_READS_AT = 50;
/** A full re-read of a Grid'5000-sized OAR takes 15 s; its requests may take a minute. */
export const FULL_READ_TIMEOUT_MS = 60_000;

/** Reads a vanished job once more, as `oar` (who may read any job). */
async function readVanished(oar: OarClient, id: number, signal?: AbortSignal): Promise<VanishedRead> {
  try {
    return { job: await oar.jobs.get(id, { as: 'oar', signal }) };
  } catch (err) {
    if (err instanceof OarNotFoundError) return { notFound: true };
    return { error: (err as Error).message };
  }
}

/** `jobs/details?ids=…` for these jobs, in chunks (OAR also answers finished ones); only the jobs asked for are kept. */
async function detailsOf(oar: OarClient, ids: readonly number[], signal?: AbortSignal): Promise<Map<number, Job>> {
  const found = new Map<number, Job>();
  const wanted = new Set(ids);
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
    const chunk = ids.slice(i, i + IDS_PER_REQUEST);
    const call = { limit: READ_PAGE_SIZE, timeoutMs: FULL_READ_TIMEOUT_MS, signal };
    for (const job of await oar.jobs.details({ ids: chunk }, call)) if (wanted.has(job.id)) found.set(job.id, job);
  }
  return found;
}

/** Rows of a 25,000-resource list handled between two looks at the clock (a few ms of work). */
const ROWS_PER_SLICE = 2500;

/**
 * Runs `step` on `items` a slice at a time, giving the event loop a turn whenever a time slice is
 * used up: the rows of the last page arrive in one turn, and merging 25,000 of them there held the
 * loop for tens of ms.
 */
async function inSlices<T>(items: readonly T[], step: (slice: readonly T[]) => void): Promise<void> {
  const pace = turnPacer();
  for (let i = 0; i < items.length; i += ROWS_PER_SLICE) {
    step(items.slice(i, i + ROWS_PER_SLICE));
    await pace();
  }
}

async function buildState(resources: readonly Resource[], jobs: Job[]): Promise<ClusterState> {
  jobs.sort((a, b) => a.id - b.id);
  // The last page was parsed in this turn; building 25,000 resources' nodes takes a turn of its own.
  await nextTurn();
  return { nodes: buildNodes(resources, jobs), jobs };
}

/** What a full read gives before nodes are built: a full re-read's check needs only these. */
export interface FullRows extends FullView {
  jobs: Job[];
  finals: Map<number, Job>;
  resources: Resource[];
  problem?: ReadProblem;
}

export class FullReader {
  /**
   * `chunked`: the jobs from the light list and their details by ids, a chunk a request, instead of
   * all pages of `jobs/details` (whose pages OAR may take longer than 40 s to answer at scale).
   */
  constructor(
    private readonly oar: OarClient,
    private readonly options: { pageSize?: number; timeoutMs?: number; chunked?: boolean } = {},
  ) {}

  async read(previous: ClusterState): Promise<Reading> {
    const { jobs, finals, problem, resources } = await this.readRows(previous);
    return { state: await buildState(resources, jobs), finals, problem };
  }

  /** Reads both lists, then each job that left the list once more for its final state. */
  async readRows(previous: ClusterState, signal?: AbortSignal): Promise<FullRows> {
    const call = { limit: this.options.pageSize, timeoutMs: this.options.timeoutMs, signal };
    const finals = new Map<number, Job>();
    let jobs: Job[];
    if (this.options.chunked) {
      const ids = (await this.oar.jobs.list({}, call)).map((job) => job.id);
      jobs = [];
      for (const job of (await detailsOf(this.oar, ids, signal)).values()) {
        if (isFinal(job)) finals.set(job.id, job);
        else jobs.push(job);
      }
    } else {
      jobs = await this.oar.jobs.details({}, call);
    }
    const resources = await this.oar.resources.full(call);
    const listed = new Set([...jobs.map((job) => job.id), ...finals.keys()]);
    let problem: ReadProblem | undefined;
    for (const gone of previous.jobs.filter((job) => !listed.has(job.id))) {
      const verdict = judgeVanished(gone, await readVanished(this.oar, gone.id, signal));
      if ('final' in verdict) finals.set(gone.id, verdict.final);
      else {
        jobs.push(verdict.still);
        problem ??= verdict.problem;
      }
    }
    jobs.sort((a, b) => a.id - b.id);
    return { jobs, finals, problem, resources };
  }
}

export interface IncrementalOptions {
  /** Read the resource list this tick (else the resources stay as last read). */
  resources: boolean;
  /**
   * Read it in the background: this tick goes on with the resources as last read and a later tick
   * takes the new ones, so a slow resource list (2.6 s at 25,000 resources) never delays job changes.
   */
  background?: boolean;
  /** Every listed job's details are read again at least this often (ms). */
  refreshMs: number;
  /** The period of the jobs tick (ms), to spread those refreshes evenly. */
  tickMs: number;
}

/**
 * Told what OAR took (ms; each part's requests are sequential): the jobs part of a tick without the
 * refreshes, a resource list read, and one job's details.
 */
export type CostListener = (part: 'jobs' | 'resources' | 'detail', ms: number) => void;

export class IncrementalReader {
  private jobs = new Map<number, KnownJob>();
  private resources = new Map<number, Resource>();
  private light: LightLists = { jobs: new Map(), resources: new Map() };
  private nodes: ClusterState['nodes'] | undefined;
  private readonly nodeBuilder = new NodeBuilder();
  private jobsRead = false;
  /** The resource list read in the background, while it runs. */
  private resourceRead: Promise<void> | undefined;
  private resourcesArrived = false;
  /** Light lists answered so far, and per item the list in which it last changed (a full re-read's check). */
  private jobLists = 0;
  private resourceLists = 0;
  private readonly jobChangedIn = new Map<number, number>();
  private readonly resourceChangedIn = new Map<number, number>();

  /** `clock`: when a job's details were read (ms). */
  constructor(
    private readonly oar: OarClient,
    private readonly clock: () => number = Date.now,
  ) {}

  async read(previous: ClusterState, options: IncrementalOptions, onCost?: CostListener): Promise<Reading> {
    const finals = new Map<number, Job>();
    // The first read of each part reads every detail: not what a tick costs, so not told.
    const firstJobs = !this.jobsRead;
    this.jobsRead = true;
    const started = Date.now();
    const jobs = await this.readJobs(previous, options, finals);
    // The refreshes of unchanged jobs are their own activity for the load budget (per job read).
    const perJob = jobs.cost.details > 0 ? jobs.cost.detailsMs / jobs.cost.details : 0;
    if (!firstJobs) onCost?.('jobs', Date.now() - started - perJob * jobs.cost.refreshed);
    // Told from the first read on: at 1,000 jobs and 0.1 s a job it takes longer than the refresh
    // bound, and the next tick, finding every job overdue, would read them all again unless the
    // budget already spaced the refreshes out.
    if (jobs.cost.details > 0) onCost?.('detail', perJob);
    let resources: { changed: boolean; problem?: ReadProblem } | undefined;
    if (this.resources.size === 0) resources = await this.readResources();
    else if (options.resources && options.background) this.readResourcesInBackground(onCost);
    else if (options.resources) resources = await this.timed(() => this.readResources(), onCost);
    const nodesChanged = jobs.changed || resources?.changed || this.resourcesArrived || !this.nodes;
    this.resourcesArrived = false;
    const jobList = [...this.jobs.values()].map((known) => known.job).sort((a, b) => a.id - b.id);
    if (nodesChanged) this.nodes = await this.nodeBuilder.build([...this.resources.values()], jobList);
    return { state: { nodes: this.nodes!, jobs: jobList }, finals, problem: jobs.problem ?? resources?.problem };
  }

  private async timed<T>(read: () => Promise<T>, onCost?: CostListener): Promise<T> {
    const started = Date.now();
    const result = await read();
    onCost?.('resources', Date.now() - started);
    return result;
  }

  /**
   * A failed background read is only logged by the next tick's own failure (OAR is down for both):
   * the resources stay as last read and the next due tick reads them again.
   */
  private readResourcesInBackground(onCost?: CostListener): void {
    this.resourceRead ??= this.timed(() => this.readResources(), onCost)
      .then(
        ({ changed }) => void (this.resourcesArrived ||= changed),
        () => undefined,
      )
      .finally(() => (this.resourceRead = undefined));
  }

  /** Marks where a full re-read begins, for finishCheck. */
  beginCheck(): CheckMark {
    return { jobLists: this.jobLists, resourceLists: this.resourceLists, at: this.clock() };
  }

  /**
   * Checks the incremental state against a full re-read that began at `mark` and ran beside the
   * ticks: one tick reads both light lists (so they are newer than anything the full read saw), the
   * items on which the two still disagree for no reason the light lists show are read once more,
   * and what that second read confirms is corrected and counted (checkSuspects, judgeSuspects).
   */
  async finishCheck(
    previous: ClusterState,
    full: FullRows,
    mark: CheckMark,
    options: IncrementalOptions,
    onCost?: CostListener,
  ): Promise<{ reading: Reading; differences: number }> {
    await this.resourceRead;
    const tick = await this.read(previous, { ...options, resources: true, background: false }, onCost);
    const view = {
      jobs: this.jobs,
      resources: this.resources,
      jobChangedIn: this.jobChangedIn,
      resourceChangedIn: this.resourceChangedIn,
    };
    const suspects = checkSuspects(view, full, mark);
    this.forgetVanished();
    if (suspects.jobs.length === 0 && suspects.resources.length === 0) return { reading: tick, differences: 0 };
    const verdict = judgeSuspects(
      view,
      full,
      suspects,
      await this.readAgain(suspects),
      this.clock(),
      options.refreshMs,
    );
    this.jobs = verdict.jobs;
    this.resources = verdict.resources;
    const jobList = [...this.jobs.values()].map((known) => known.job).sort((a, b) => a.id - b.id);
    this.nodes = await this.nodeBuilder.build([...this.resources.values()], jobList);
    return {
      reading: {
        ...tick,
        state: { nodes: this.nodes, jobs: jobList },
        finals: new Map([...tick.finals, ...verdict.finals]),
      },
      differences: verdict.differences,
    };
  }

  /** The suspects' second read: jobs by ids, resources one by one (a 404 says the resource is gone). */
  private async readAgain(
    suspects: Suspects,
  ): Promise<{ jobs: Map<number, Job>; resources: Map<number, Resource | null> }> {
    const jobs = await detailsOf(this.oar, suspects.jobs);
    const resources = new Map<number, Resource | null>();
    for (const id of suspects.resources) {
      try {
        resources.set(id, await this.oar.resources.get(id));
      } catch (err) {
        if (!(err instanceof OarNotFoundError)) throw err;
        resources.set(id, null);
      }
    }
    return { jobs, resources };
  }

  /** Items out of the light lists need no change number once a check is done (the next check begins later). */
  private forgetVanished(): void {
    for (const id of this.jobChangedIn.keys()) if (!this.light.jobs.has(id)) this.jobChangedIn.delete(id);
    for (const id of this.resourceChangedIn.keys())
      if (!this.light.resources.has(id)) this.resourceChangedIn.delete(id);
  }

  private async readJobs(
    previous: ClusterState,
    options: IncrementalOptions,
    finals: Map<number, Job>,
  ): Promise<{
    changed: boolean;
    problem?: ReadProblem;
    cost: { detailsMs: number; details: number; refreshed: number };
  }> {
    const listed = await this.oar.jobs.list({}, { limit: READ_PAGE_SIZE });
    this.jobLists += 1;
    const now = this.clock();
    const plan = planJobReads(this.jobs, previous.jobs, listed, now, options);
    const detailsStarted = Date.now();
    const detailed = await detailsOf(this.oar, plan.details);
    const cost = { detailsMs: Date.now() - detailsStarted, details: plan.details.length, refreshed: plan.refreshed };
    const before = new Map(
      [...previous.jobs, ...[...this.jobs.values()].map((known) => known.job)].map((j) => [j.id, j]),
    );
    let changed = false;
    const vanished = [...plan.vanished];
    const summaries = new Map<number, JobSummary>();
    const asked = new Set(plan.details);
    for (const summary of listed) {
      summaries.set(summary.id, summaryOf(summary));
      if (!asked.has(summary.id)) continue;
      const job = detailed.get(summary.id);
      // Gone between the list and its details: read once more like any vanished job.
      if (!job) vanished.push(summary.id);
      else if (isFinal(job)) {
        finals.set(job.id, job);
        changed = this.jobs.delete(job.id) || changed;
      } else {
        changed ||= !sameAssignment(this.jobs.get(job.id)?.job, job);
        this.jobs.set(job.id, { summary: summaryOf(summary), job, readAt: now });
      }
    }
    let problem: ReadProblem | undefined;
    for (const id of vanished) {
      const last = before.get(id);
      if (!last) continue;
      const verdict = judgeVanished(last, await readVanished(this.oar, id));
      if ('final' in verdict) {
        finals.set(id, verdict.final);
        this.jobs.delete(id);
        changed = true;
      } else {
        changed ||= !sameAssignment(this.jobs.get(id)?.job, verdict.still);
        this.jobs.set(id, { summary: summaryOf(verdict.still), job: verdict.still, readAt: now });
        problem ??= verdict.problem;
      }
    }
    noteLightChanges(this.jobChangedIn, this.light.jobs, summaries, this.jobLists);
    this.light = { ...this.light, jobs: summaries };
    return { changed, problem, cost };
  }

  /** The light resource list; full rows only for resources not seen before. */
  private async readResources(): Promise<{ changed: boolean; problem?: ReadProblem }> {
    const light = await this.oar.resources.list({ limit: READ_PAGE_SIZE });
    const list = ++this.resourceLists;
    const fresh = newResourceIds(this.resources, light);
    const fetched = new Map<number, Resource>();
    let problem: ReadProblem | undefined;
    if (fresh.length > FULL_RESOURCE_READS_AT) {
      const rows = await this.oar.resources.full({ limit: READ_PAGE_SIZE, timeoutMs: FULL_READ_TIMEOUT_MS });
      for (const row of rows) fetched.set(row.id, row);
    } else {
      for (const id of fresh) {
        try {
          fetched.set(id, await this.oar.resources.get(id));
        } catch (err) {
          // 404: deleted since the list was read; the next list says so.
          if (!(err instanceof OarNotFoundError))
            problem ??= {
              error: `Resource ${id}, new in OAR, could not be read yet: it is shown once it is.`,
              detail: (err as Error).message,
            };
        }
      }
    }
    const merged: Resource[] = [];
    await inSlices(light, (rows) => merged.push(...mergeResources(this.resources, rows, fetched)));
    const resources = new Map<number, Resource>();
    await inSlices(merged, (rows) => rows.forEach((row) => resources.set(row.id, row)));
    this.resources = resources;
    const lightRows = new Map<number, Resource>();
    await inSlices(light, (rows) => rows.forEach((row) => lightRows.set(row.id, row)));
    // Building 25,000 resources' nodes takes tens of ms: only when a row changed.
    const changed =
      noteLightChanges(this.resourceChangedIn, this.light.resources, lightRows, list, sameLightRow) > 0 ||
      fetched.size > 0;
    this.light = { ...this.light, resources: lightRows };
    return { changed, problem };
  }
}

/** Whether the nodes built from these jobs stay the same: same resources, and both unfinished. */
function sameAssignment(before: Job | undefined, after: Job): boolean {
  if (!before) return false;
  const a = before.resourceIds;
  const b = after.resourceIds;
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
