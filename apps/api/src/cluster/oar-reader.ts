/**
 * The two ways the poller reads OAR. `FullReader` reads everything (jobs/details + resources/full),
 * as oar-live always did: kept for the periodic re-read and for comparison. `IncrementalReader` reads
 * the light lists each tick and the heavy details only for what is new or changed. The decisions are
 * the pure rules of ./reading-rules; this file only asks OAR.
 */
import {
  buildNodes,
  buildNodesPaced,
  compareNodeNames,
  OarNotFoundError,
  type Job,
  type JobSummary,
  type Node,
  type OarClient,
  type Resource,
} from '@oar-live/oar-client';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sameJson, type ClusterState } from './differ';
import {
  checkSuspects,
  isFinal,
  judgeSuspects,
  judgeVanished,
  knownIfSame,
  mergeResources,
  newResourceIds,
  noteLightChanges,
  planJobReads,
  refreshSlice,
  replannedJobs,
  summaryOf,
  type CheckMark,
  type FullView,
  type KnownJob,
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
 * Items per page of the job lists (light, and details by ids). OAR takes any `limit`: 1,000 jobs'
 * light rows in one page (a few ms to parse), and every job asked for by ids in one answer.
 */
const READ_PAGE_SIZE = 5000;
/**
 * Items per page of `resources/full` (every column, ~630 bytes a row): a page of 5,000 rows took 50 ms
 * to parse on the loaded host, a block of the event loop; 1,000 take 6 ms, for ~2 s more of OAR's time
 * per whole read of 25,000 resources (20 more requests at ~0.1 s each), a read made every few minutes.
 */
export const FULL_ROWS_PAGE_SIZE = 1000;
/**
 * Items per page of the light resource list (~300 bytes a row): 5,000 rows took 41 ms to decode and
 * 28 ms to parse in one turn on the loaded host; 2,500 halve that, for ~5 more requests a read.
 */
const LIGHT_ROWS_PAGE_SIZE = 2500;

/** How long the waiting jobs planned on a resource that changed state are read each tick (see readResources). */
const REPLAN_WINDOW_MS = 30_000;
/**
 * Job ids per `jobs/details?ids=` request. oarapi.pl spends 10-80 ms per job on details (more under
 * load) and mod_fcgid gives up after 40 s: 1,000 jobs in one request answered 500 on a loaded host.
 */
const IDS_PER_REQUEST = 100;
/** Time allowed per job in a tick's `jobs/details?ids=` (3 times the 0.19 s a job measured at load 10). */
const DETAIL_TIMEOUT_PER_JOB_MS = 600;
/** More new resources than this are read with one `resources/full` instead of one request each. */
const FULL_RESOURCE_READS_AT = 50;
/** Items a full re-read's check compares per turn (checkSuspects): ~10 ms on a loaded host. */
const ITEMS_COMPARED_PER_TURN = 2000;
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

/**
 * `jobs/details?ids=…` for these jobs, in chunks (OAR also answers finished ones); only the jobs asked
 * for are kept. `tickTimeoutMs`: a jobs tick's own read (see IncrementalOptions.timeoutMs).
 */
async function detailsOf(
  oar: OarClient,
  ids: readonly number[],
  { signal, tickTimeoutMs, known }: { signal?: AbortSignal; tickTimeoutMs?: number; known?: KnownRows } = {},
): Promise<Map<number, Job>> {
  const found = new Map<number, Job>();
  const wanted = new Set(ids);
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
    const chunk = ids.slice(i, i + IDS_PER_REQUEST);
    // A tick's timeout, longer for a big chunk (a hundred jobs new at once): else a minute, as ever.
    const timeoutMs =
      tickTimeoutMs === undefined
        ? FULL_READ_TIMEOUT_MS
        : Math.max(tickTimeoutMs, Math.min(FULL_READ_TIMEOUT_MS, chunk.length * DETAIL_TIMEOUT_PER_JOB_MS));
    const call = { limit: READ_PAGE_SIZE, timeoutMs, signal };
    for (const job of await oar.jobs.details({ ids: chunk }, call))
      if (wanted.has(job.id)) found.set(job.id, known?.job(job) ?? job);
  }
  return found;
}

async function buildState(resources: readonly Resource[], jobs: Job[]): Promise<ClusterState> {
  jobs.sort((a, b) => a.id - b.id);
  // The last page was parsed in this turn; the nodes are built in turns of their own.
  await nextTurn();
  return { nodes: await buildNodesPaced(resources, jobs), jobs };
}

/** What a full read gives before nodes are built: a full re-read's check needs only these. */
export interface FullRows extends FullView {
  jobs: Job[];
  finals: Map<number, Job>;
  resources: Resource[];
  problem?: ReadProblem;
}

/**
 * What a full re-read keeps of a row it read: the object the incremental reader already holds when
 * it says exactly the same (the row just read is then garbage at once), else the row.
 */
export interface KnownRows {
  job(job: Job): Job;
  resource(row: Resource): Resource;
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

  /**
   * Reads both lists, then each job that left the list once more for its final state. `known`: the
   * incremental reader's rows, kept in place of equal ones as they are read; a re-read's 25,000 rows
   * and 1,000 jobs, all kept until it ends (a minute and more), outlived young collections and filled
   * the old generation: major collections of 120-200 ms.
   */
  async readRows(previous: ClusterState, signal?: AbortSignal, known?: KnownRows): Promise<FullRows> {
    const call = { limit: this.options.pageSize, timeoutMs: this.options.timeoutMs, signal };
    const finals = new Map<number, Job>();
    let jobs: Job[];
    if (this.options.chunked) {
      const ids = (await this.oar.jobs.list({}, call)).map((job) => job.id);
      jobs = [];
      for (const job of (await detailsOf(this.oar, ids, { signal, known })).values()) {
        if (isFinal(job)) finals.set(job.id, job);
        else jobs.push(job);
      }
    } else {
      jobs = await this.oar.jobs.details({}, call);
    }
    const resources: Resource[] = [];
    for await (const row of this.oar.resources.fullRows(call)) resources.push(known?.resource(row) ?? row);
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
  /** The period of the jobs tick (ms; the load budget's when it is longer), to spread those refreshes evenly. */
  tickMs: number;
  /**
   * How long the tick's own requests (the job list, the changed jobs' details) may take before OAR is
   * taken as down; when unset, the client's for the list and a minute for details.
   */
  timeoutMs?: number;
}

/**
 * Told what OAR took (ms; each part's requests are sequential): the jobs part of a tick without the
 * refreshes, the first read's job list alone, a resource list read, and one job's details.
 */
export type CostListener = (part: 'jobs' | 'list' | 'resources' | 'detail', ms: number) => void;

export class IncrementalReader {
  private jobs = new Map<number, KnownJob>();
  private resources = new Map<number, Resource>();
  /** The light job list as last read (summaries by id). */
  private lightJobs: ReadonlyMap<number, JobSummary> = new Map();
  private nodes: Node[] | undefined;
  /** The built nodes by name, and the names of those to build again (a row or a job on it changed). */
  private nodesByName = new Map<string, Node>();
  private readonly dirtyNodes = new Set<string>();
  private allNodesDirty = true;
  private jobsRead = false;
  /** The resource list read in the background, while it runs. */
  private resourceRead: Promise<void> | undefined;
  /** Light lists answered so far, and per item the list in which it last changed (a full re-read's check). */
  private jobLists = 0;
  private resourceLists = 0;
  private readonly jobChangedIn = new Map<number, number>();
  /** Jobs planned on a resource whose state changed, and until when their details are read each tick. */
  private replanned = new Map<number, number>();
  /** Unchanged jobs to read once this tick's batch is out (readOwed), and how many of them are refreshes. */
  private owed: { ids: number[]; refreshed: number } = { ids: [], refreshed: 0 };
  /** What this tick's changes cost OAR (ms), told with the owed reads that are the tick's own. */
  private tickCostMs = 0;
  /** Unchanged jobs owed a refresh of their details (refreshSlice). */
  private refreshesOwed = 0;
  private readonly resourceChangedIn = new Map<number, number>();

  /** `clock`: when a job's details were read (ms). */
  constructor(
    private readonly oar: OarClient,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * A jobs tick's first part: the lists, and the details of the jobs new or changed in the light list.
   * The unchanged jobs it owes a read (refreshes, plans) wait for readOwed, once this part's batch is out.
   */
  async read(previous: ClusterState, options: IncrementalOptions, onCost?: CostListener): Promise<Reading> {
    const finals = new Map<number, Job>();
    // The first read reads every job's details: not what a tick costs; only its list is told as one.
    const firstJobs = !this.jobsRead;
    this.jobsRead = true;
    const started = Date.now();
    const jobs = await this.readJobs(previous, options, finals);
    this.tickCostMs = Date.now() - started;
    if (firstJobs) {
      // Told from the first read on: at 1,000 jobs and 0.1 s a job it takes longer than the refresh
      // bound, and the next tick, finding every job overdue, would read them all again unless the
      // budget already spaced the refreshes out.
      if (jobs.details > 0) onCost?.('detail', this.tickCostMs / jobs.details);
      // What a tick costs at least: the reference for the first tick's cost (load-budget nextTickMean).
      onCost?.('list', jobs.listMs);
    } else if (!this.owesReads) onCost?.('jobs', this.tickCostMs);
    let resources: { problem?: ReadProblem } | undefined;
    if (this.resources.size === 0) resources = await this.readResources();
    else if (options.resources && options.background) this.readResourcesInBackground(onCost);
    else if (options.resources) resources = await this.timed(() => this.readResources(), onCost);
    return this.reading(finals, jobs.problem ?? resources?.problem);
  }

  /** Whether the last tick left unchanged jobs to read (readOwed). */
  get owesReads(): boolean {
    return this.owed.ids.length > 0;
  }

  /**
   * A jobs tick's second part: the unchanged jobs it owes a read. Their cost per job is the refresh
   * activity's for the load budget; the reads that are not refreshes count in the tick's cost.
   * `timeoutMs`: as IncrementalOptions.timeoutMs.
   */
  async readOwed(previous: ClusterState, onCost?: CostListener, timeoutMs?: number): Promise<Reading> {
    const { ids, refreshed } = this.owed;
    this.owed = { ids: [], refreshed: 0 };
    const finals = new Map<number, Job>();
    if (ids.length === 0) return this.reading(finals, undefined);
    const started = Date.now();
    const problem = await this.readDetails(ids, [], previous, finals, timeoutMs);
    const perJob = (Date.now() - started) / ids.length;
    if (refreshed > 0) onCost?.('detail', perJob);
    onCost?.('jobs', this.tickCostMs + perJob * (ids.length - refreshed));
    return this.reading(finals, problem);
  }

  private async reading(finals: Map<number, Job>, problem: ReadProblem | undefined): Promise<Reading> {
    const jobList = [...this.jobs.values()].map((known) => known.job).sort((a, b) => a.id - b.id);
    const nodes = await this.buildDirtyNodes(jobList);
    return { state: { nodes, jobs: jobList }, finals, problem };
  }

  /**
   * The nodes with only those built again whose rows or jobs changed: building all 25,000
   * resources' nodes on each job change blocked the event loop for 100 ms and more on a loaded host,
   * and the garbage of 25,000 new rows a tick made long collections. Unchanged nodes stay the same
   * objects (the diff then passes over them at once).
   */
  private async buildDirtyNodes(jobList: Job[]): Promise<Node[]> {
    if (this.allNodesDirty || !this.nodes) {
      this.nodes = (await buildState([...this.resources.values()], jobList)).nodes;
      this.nodesByName = new Map(this.nodes.map((node) => [node.name, node]));
      this.allNodesDirty = false;
      this.dirtyNodes.clear();
      return this.nodes;
    }
    if (this.dirtyNodes.size === 0) return this.nodes;
    const dirty = new Set(this.dirtyNodes);
    this.dirtyNodes.clear();
    const rows = [...this.resources.values()].filter((row) => dirty.has(row.node));
    const rebuilt = buildNodes(rows, jobList);
    const existed = new Set([...dirty].filter((name) => this.nodesByName.has(name)));
    for (const name of dirty) this.nodesByName.delete(name);
    for (const node of rebuilt) this.nodesByName.set(node.name, node);
    const sameNames = rebuilt.length === existed.size && rebuilt.every((node) => existed.has(node.name));
    this.nodes = sameNames
      ? this.nodes.map((node) => this.nodesByName.get(node.name)!)
      : [...this.nodesByName.values()].sort((a, b) => compareNodeNames(a.name, b.name));
    return this.nodes;
  }

  /** Marks the nodes under both assignments (current and planned) of a job that changed them; says whether it did. */
  private noteAssignment(before: Job | undefined, after: Job | undefined): boolean {
    if (before && after && sameIds(before.resourceIds, after.resourceIds)) {
      if (sameIds(before.plannedResourceIds ?? [], after.plannedResourceIds ?? [])) return false;
    }
    for (const job of [before, after]) {
      for (const id of [...(job?.resourceIds ?? []), ...(job?.plannedResourceIds ?? [])]) {
        const node = this.resources.get(id)?.node;
        if (node !== undefined) this.dirtyNodes.add(node);
      }
    }
    return true;
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
        () => undefined,
        () => undefined,
      )
      .finally(() => (this.resourceRead = undefined));
  }

  /** The rows a full re-read may keep in place of what it reads (FullReader.readRows). */
  readonly known: KnownRows = {
    job: (job) => {
      const held = this.jobs.get(job.id)?.job;
      return held && sameJson(held, job) ? held : job;
    },
    resource: (row) => {
      const held = this.resources.get(row.id);
      return held && sameJson(held, row) ? held : row;
    },
  };

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
    const steps = checkSuspects(view, full, mark);
    let step = steps.next();
    for (let compared = 1; !step.done; step = steps.next(), compared++) {
      if (compared % ITEMS_COMPARED_PER_TURN === 0) await nextTurn();
    }
    const suspects = step.value;
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
    this.allNodesDirty = true;
    const jobList = [...this.jobs.values()].map((known) => known.job).sort((a, b) => a.id - b.id);
    const nodes = await this.buildDirtyNodes(jobList);
    return {
      reading: {
        ...tick,
        state: { nodes, jobs: jobList },
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
    for (const id of this.jobChangedIn.keys()) if (!this.lightJobs.has(id)) this.jobChangedIn.delete(id);
    for (const id of this.resourceChangedIn.keys()) if (!this.resources.has(id)) this.resourceChangedIn.delete(id);
  }

  private async readJobs(
    previous: ClusterState,
    options: IncrementalOptions,
    finals: Map<number, Job>,
  ): Promise<{ problem?: ReadProblem; details: number; listMs: number }> {
    const started = Date.now();
    const listed = await this.oar.jobs.list({}, { limit: READ_PAGE_SIZE, timeoutMs: options.timeoutMs });
    const listMs = Date.now() - started;
    this.jobLists += 1;
    const now = this.clock();
    const refresh = refreshSlice(this.refreshesOwed, listed.length, options);
    this.refreshesOwed = refresh.owed;
    const plan = planJobReads(this.jobs, previous.jobs, listed, now, {
      refreshMs: options.refreshMs,
      slice: refresh.slice,
      replannedUntil: this.replanned,
    });
    this.owed = { ids: plan.owed, refreshed: plan.refreshed };
    const summaries = new Map(listed.map((summary) => [summary.id, summaryOf(summary)]));
    noteLightChanges(this.jobChangedIn, this.lightJobs, summaries, this.jobLists);
    this.lightJobs = summaries;
    const problem = await this.readDetails(plan.changed, plan.vanished, previous, finals, options.timeoutMs);
    return { problem, details: plan.changed.length, listMs };
  }

  /**
   * Reads these listed jobs' details and keeps what they say (a job in a final state leaves with it),
   * then reads each vanished job once more: those that left the list, and those gone between the list
   * and their details.
   */
  private async readDetails(
    ids: readonly number[],
    vanishedIds: readonly number[],
    previous: ClusterState,
    finals: Map<number, Job>,
    timeoutMs?: number,
  ): Promise<ReadProblem | undefined> {
    // When the reads began: what they say is at least this recent (a full re-read's check relies on it).
    const now = this.clock();
    const detailed = await detailsOf(this.oar, ids, { tickTimeoutMs: timeoutMs });
    const vanished = [...vanishedIds];
    for (const id of ids) {
      const job = detailed.get(id);
      if (!job) vanished.push(id);
      else if (isFinal(job)) {
        finals.set(job.id, job);
        this.noteAssignment(this.jobs.get(job.id)?.job, undefined);
        this.jobs.delete(job.id);
      } else {
        this.noteAssignment(this.jobs.get(job.id)?.job, job);
        this.jobs.set(job.id, { summary: this.lightJobs.get(id) ?? summaryOf(job), job, readAt: now });
      }
    }
    let problem: ReadProblem | undefined;
    for (const id of vanished) {
      // Untouched above (a vanished job was not detailed): as it was before this read.
      const last = this.jobs.get(id)?.job ?? previous.jobs.find((job) => job.id === id);
      if (!last) continue;
      const verdict = judgeVanished(last, await readVanished(this.oar, id));
      if ('final' in verdict) {
        finals.set(id, verdict.final);
        this.noteAssignment(this.jobs.get(id)?.job, undefined);
        this.jobs.delete(id);
      } else {
        this.noteAssignment(this.jobs.get(id)?.job, verdict.still);
        this.jobs.set(id, { summary: summaryOf(verdict.still), job: verdict.still, readAt: now });
        problem ??= verdict.problem;
      }
    }
    return problem;
  }

  /**
   * The light resource list; full rows only for resources not seen before. The list is folded as its
   * pages arrive: a row it did not change is the known row itself and is dropped at once, so what is
   * left to apply is what changed. Merging and indexing all 25,000 rows again after each list, and
   * comparing them with the rows before, held the event loop 28-64 ms a turn at Grid'5000 size.
   */
  private async readResources(): Promise<{ problem?: ReadProblem }> {
    const changed: Resource[] = [];
    const listedIds: number[] = [];
    let knownListed = 0;
    for await (const row of this.oar.resources.rows({ limit: LIGHT_ROWS_PAGE_SIZE })) {
      listedIds.push(row.id);
      const known = this.resources.get(row.id);
      if (known) knownListed += 1;
      if (knownIfSame(this.resources, row) !== known) changed.push(row);
    }
    const list = ++this.resourceLists;
    const { fetched, problem } = await this.readNewResources(newResourceIds(this.resources, changed));
    const listed = knownListed === this.resources.size ? undefined : new Set(listedIds);
    const removed = listed ? [...this.resources.keys()].filter((id) => !listed.has(id)) : [];
    this.applyResourceChanges(mergeResources(this.resources, changed, fetched), removed, list);
    return { problem };
  }

  /** Full rows of resources new in the light list: one `resources/full` when there are many. */
  private async readNewResources(fresh: number[]): Promise<{ fetched: Map<number, Resource>; problem?: ReadProblem }> {
    const fetched = new Map<number, Resource>();
    let problem: ReadProblem | undefined;
    if (fresh.length > FULL_RESOURCE_READS_AT) {
      const rows = await this.oar.resources.full({ limit: FULL_ROWS_PAGE_SIZE, timeoutMs: FULL_READ_TIMEOUT_MS });
      for (const row of rows) fetched.set(row.id, row);
      return { fetched };
    }
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
    return { fetched, problem };
  }

  /**
   * Takes the changed and new rows (merged) and drops the removed ones, in one turn: their nodes are
   * built again, and they are noted as changed in light list `list` (a full re-read's check).
   */
  private applyResourceChanges(merged: Resource[], removed: number[], list: number): void {
    const stateChanged = new Set<number>();
    for (const row of merged) {
      const old = this.resources.get(row.id);
      this.dirtyNodes.add(row.node);
      if (old) this.dirtyNodes.add(old.node);
      if (old && old.state !== row.state) stateChanged.add(row.id);
      this.resources.set(row.id, row);
      this.resourceChangedIn.set(row.id, list);
    }
    for (const id of removed) {
      this.dirtyNodes.add(this.resources.get(id)!.node);
      this.resources.delete(id);
      this.resourceChangedIn.set(id, list);
    }
    if (stateChanged.size === 0) return;
    const planned = [...this.jobs.values()].map((known) => known.job);
    this.replanned = replannedJobs(this.replanned, planned, stateChanged, this.clock(), REPLAN_WINDOW_MS);
  }
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
