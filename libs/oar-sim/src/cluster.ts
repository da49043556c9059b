/**
 * The simulated OAR database: resource and job rows, ids, events. Mutations bump `rev` on the rows
 * they touch so cached JSON can be reused until something changes. Scheduling lives in ./scheduler.ts.
 */
import type { SimClock } from './clock';
import type { JobEventRow, JobRow, ResourceRow, ResourceState } from './records';
import { FINISHED } from './records';

export const FOREVER = 2147483647;

/** Unix users of the sandbox: API logins must be one of these for oardodo to act as them. */
export const UNIX_USERS: ReadonlySet<string> = new Set(['alice', 'bob', 'oar', 'root']);
/** Users OAR lets act on anybody's jobs. */
export const ADMINS: ReadonlySet<string> = new Set(['oar', 'root']);

export type NewResourceRow = Record<string, unknown>;
/** Columns of the sandbox's resources table an admin may set (oarproperty created host/cpu/core). */
export const SETTABLE_COLUMNS: ReadonlySet<string> = new Set([
  'network_address',
  'host',
  'cpu',
  'core',
  'cpuset',
  'besteffort',
  'deploy',
  'desktop_computing',
  'drain',
  'type',
  'available_upto',
  'last_available_upto',
]);

export class Cluster {
  readonly resources: ResourceRow[] = [];
  private readonly resourceIndex = new Map<number, ResourceRow>();
  readonly jobs = new Map<number, JobRow>();
  /** Jobs not yet Terminated/Error, in id order (what GET /jobs lists). */
  readonly unfinished = new Map<number, JobRow>();
  /** Resource id → id of the job holding it. */
  readonly holder = new Map<number, number>();
  private nextJobId = 1;
  private nextResourceId = 1;
  private nextEventId = 1;
  /** Bumped when resources are added or removed (invalidates per-node indexes). */
  layoutRev = 0;
  /** Bumped when a resource changes state. */
  stateRev = 0;

  constructor(
    readonly clock: SimClock,
    private readonly maxFinishedJobs = 200_000,
  ) {}

  resource(id: number): ResourceRow | undefined {
    return this.resourceIndex.get(id);
  }

  job(id: number): JobRow | undefined {
    return this.jobs.get(id);
  }

  /**
   * `nodes` × `cpus` × `cores` rows named node1…nodeN, like oar_resources_add. With `clusters`, the
   * nodes are split in that many consecutive groups and each row gets the site property `cluster`
   * (cluster1…), as a site would add with `oarproperty -a cluster -c`.
   */
  addNodes(nodes: number, coresPerNode: number, cpusPerNode = 1, prefix = 'node', firstIndex = 1, clusters = 0): void {
    const coresPerCpu = Math.max(1, Math.floor(coresPerNode / cpusPerNode));
    let cpu = this.resources.reduce((m, r) => Math.max(m, r.cpu ?? 0), 0);
    let core = this.resources.reduce((m, r) => Math.max(m, r.core ?? 0), 0);
    for (let n = 0; n < nodes; n++) {
      const name = `${prefix}${firstIndex + n}`;
      for (let c = 0; c < coresPerNode; c++) {
        if (c % coresPerCpu === 0) cpu++;
        core++;
        const id = this.insertResource({ network_address: name, host: name, cpu, core, cpuset: c % coresPerCpu });
        if (clusters > 0)
          this.resourceIndex.get(id)!.site = { cluster: `cluster${1 + Math.floor((n * clusters) / nodes)}` };
      }
    }
  }

  insertResource(fields: NewResourceRow): number {
    const id = this.nextResourceId++;
    const row: ResourceRow = {
      id,
      network_address: String(fields.network_address),
      host: fields.host === undefined || fields.host === null ? null : String(fields.host),
      cpu: numberOrNull(fields.cpu),
      core: numberOrNull(fields.core),
      cpuset: numberOrNull(fields.cpuset) ?? 0,
      state: 'Alive',
      besteffort: yesNo(fields.besteffort, 'YES'),
      deploy: yesNo(fields.deploy, 'NO'),
      desktop_computing: yesNo(fields.desktop_computing, 'NO'),
      drain: yesNo(fields.drain, 'NO'),
      type: fields.type === undefined || fields.type === null ? 'default' : String(fields.type),
      available_upto: numberOrNull(fields.available_upto) ?? FOREVER,
      last_job_date: 0,
      rev: 0,
    };
    this.resources.push(row);
    this.resourceIndex.set(id, row);
    this.layoutRev++;
    return id;
  }

  setResourceState(row: ResourceRow, state: ResourceState): void {
    if (row.state === state) return;
    row.state = state;
    row.rev++;
    this.stateRev++;
  }

  /** Removes a (Dead) resource and, as oarapi.pl does, every job ever assigned to it. */
  deleteResource(row: ResourceRow): void {
    for (const job of [...this.jobs.values()]) {
      if (job.assigned.includes(row.id)) this.forgetJob(job);
    }
    this.resources.splice(this.resources.indexOf(row), 1);
    this.resourceIndex.delete(row.id);
    this.holder.delete(row.id);
    this.layoutRev++;
  }

  allocateJobId(): number {
    return this.nextJobId++;
  }

  addJob(job: JobRow): void {
    this.jobs.set(job.id, job);
    this.unfinished.set(job.id, job);
  }

  addEvent(job: JobRow, type: string, description: string, date = this.clock.epoch()): JobEventRow {
    const event: JobEventRow = {
      date,
      description,
      event_id: this.nextEventId++,
      job_id: job.id,
      to_check: 'NO',
      type,
    };
    job.events.push(event);
    job.rev++;
    return event;
  }

  /** Resources leave the job; the job leaves the unfinished list once final. */
  release(job: JobRow): void {
    const now = this.clock.epoch();
    for (const id of job.assigned) {
      if (this.holder.get(id) !== job.id) continue;
      this.holder.delete(id);
      const row = this.resourceIndex.get(id);
      if (row) {
        row.last_job_date = now;
        row.rev++;
      }
    }
    if (FINISHED.has(job.state)) {
      this.unfinished.delete(job.id);
      this.trimFinished();
    }
  }

  private forgetJob(job: JobRow): void {
    for (const id of job.assigned) if (this.holder.get(id) === job.id) this.holder.delete(id);
    this.jobs.delete(job.id);
    this.unfinished.delete(job.id);
  }

  /** Finished jobs are kept for GET /jobs/<id>, oldest dropped past the cap (memory stays bounded). */
  private trimFinished(): void {
    if (this.jobs.size - this.unfinished.size <= this.maxFinishedJobs) return;
    for (const job of this.jobs.values()) {
      if (!FINISHED.has(job.state)) continue;
      this.jobs.delete(job.id);
      if (this.jobs.size - this.unfinished.size <= this.maxFinishedJobs) return;
    }
  }
}

function numberOrNull(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function yesNo(value: unknown, fallback: 'YES' | 'NO'): 'YES' | 'NO' {
  return value === 'YES' || value === 'NO' ? value : fallback;
}
