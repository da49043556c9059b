/**
 * OAR's JSON for resources and jobs, field for field as oarapi.pl 2.5.9 prints them (see
 * test/fixtures/oar). Rows are serialised once per change and reused: the cached text
 * is split at the `api_timestamp` values, which are the only part that changes every second.
 */
import type { Cluster } from './cluster';
import type { JobRow, ResourceRow } from './records';
import { STATE_NUM } from './records';
import { wantedResources } from './resource-request';

/** Serialised row, split where the current api_timestamp goes. */
export type Fragments = readonly string[];

/** Stands for the api_timestamp in a row until the row is sent. */
export const STAMP = '\u0001TS\u0001';
const STAMP_JSON = JSON.stringify(STAMP);

export type JobView = 'job' | 'job-details' | 'list-details' | 'list' | 'table';

export interface RenderContext {
  /** `/oarapi` or `/oarapi-priv`: links are absolute under the base the request came in on. */
  base: string;
  /** The authenticated login ('' when anonymous): only the owner sees `initial_request`. */
  viewer: string;
}

interface CacheEntry {
  stamp: number;
  fragments: Fragments;
}

export class Renderer {
  private readonly cache = new WeakMap<object, Map<string, CacheEntry>>();

  constructor(private readonly cluster: Cluster) {}

  resource(row: ResourceRow, ctx: RenderContext, full: boolean): Fragments {
    return this.cached(row, `${ctx.base}|${full}`, row.rev, () =>
      full ? this.fullResource(row, ctx.base) : shortResource(row, ctx.base),
    );
  }

  job(job: JobRow, ctx: RenderContext, view: JobView): Fragments {
    const ownerView = view !== 'list' && canSeeRequest(job, ctx.viewer);
    const withResources = view === 'job-details' || view === 'list-details';
    const stamp = withResources ? job.rev * 1e6 + this.resourceStamp(job) : job.rev;
    return this.cached(job, `${ctx.base}|${view}|${ownerView}`, stamp, () => {
      if (view === 'list') return jobListItem(job, ctx.base);
      if (view === 'table') return this.tableRow(job, ctx.base);
      const body = this.jobBody(job, ctx.base, ownerView, view === 'list-details');
      if (withResources) Object.assign(body, this.jobResources(job, ctx.base));
      return body;
    });
  }

  /** Rows of GET /jobs/<id>/resources. */
  jobResources(job: JobRow, base: string): { resources: object[]; nodes: object[] } {
    const status = job.assigned.length > 0 ? 'assigned' : 'scheduled';
    const ids = job.assigned.length > 0 ? job.assigned : job.planned;
    const rows = ids.map((id) => this.cluster.resource(id)).filter((r) => r !== undefined);
    const resources = rows.map((r) => ({ ...this.fullResource(r, base), cpuset: String(r.cpuset), status }));
    const nodes = [...new Set(rows.map((r) => r.network_address))].map((name) => ({
      api_timestamp: STAMP,
      links: [{ href: `${base}/resources/nodes/${name}`, rel: 'self' }],
      network_address: name,
      status,
    }));
    return { resources, nodes };
  }

  fullResource(r: ResourceRow, base: string): Record<string, unknown> {
    return {
      api_timestamp: STAMP,
      available_upto: r.available_upto,
      besteffort: r.besteffort,
      core: r.core,
      cpu: r.cpu,
      cpuset: r.cpuset,
      deploy: r.deploy,
      desktop_computing: r.desktop_computing,
      drain: r.drain,
      expiry_date: 0,
      finaud_decision: 'NO',
      host: r.host,
      id: r.id,
      last_available_upto: 0,
      last_job_date: r.last_job_date,
      links: resourceLinks(r, base),
      network_address: r.network_address,
      next_finaud_decision: 'NO',
      next_state: 'UnChanged',
      scheduler_priority: 0,
      state: r.state,
      state_num: STATE_NUM[r.state],
      suspended_jobs: 'NO',
      type: r.type,
      ...r.site,
    };
  }

  private jobBody(job: JobRow, base: string, ownerView: boolean, inList: boolean): Record<string, unknown> {
    return {
      api_timestamp: STAMP,
      array_id: job.id,
      array_index: inList ? null : 1,
      command: job.command,
      cpuset_name: `${job.owner}_${job.id}`,
      dependencies: job.dependencies,
      events: job.events,
      exit_code: job.exitCode,
      id: job.id,
      initial_request: ownerView ? job.initialRequest : '',
      launching_directory: job.launchingDirectory,
      links: jobLinks(job.id, base),
      message: job.message,
      name: job.name,
      owner: job.owner,
      project: job.project,
      properties: job.properties,
      queue: job.queue,
      reservation: 'None',
      resubmit_job_id: inList ? null : 0,
      scheduled_start: job.scheduledStart,
      start_time: job.startTime,
      state: job.state,
      stderr_file: job.stderrFile,
      stdout_file: job.stdoutFile,
      stop_time: job.stopTime,
      submission_time: job.submissionTime,
      type: 'PASSIVE',
      types: job.types,
      walltime: job.walltime,
      wanted_resources: wantedResources(job.request),
    };
  }

  private tableRow(job: JobRow, base: string): Record<string, unknown> {
    const template = (file: string) => file.replace(new RegExp(`\\.${job.id}\\.`), '.%jobid%.');
    return {
      Job_Id: job.id,
      api_timestamp: STAMP,
      array_id: job.id,
      assigned_moldable_job: job.assigned.length > 0 ? job.id : 0,
      command: job.command,
      exit_code: job.exitCode,
      id: job.id,
      initial_request: job.initialRequest,
      job_id: job.id,
      job_name: job.name,
      job_type: 'PASSIVE',
      job_user: job.owner,
      launching_directory: job.launchingDirectory,
      links: jobLinks(job.id, base),
      message: job.message,
      project: job.project,
      properties: job.properties,
      queue_name: job.queue,
      reservation: 'None',
      start_time: job.startTime,
      state: job.state,
      stderr_file: template(job.stderrFile),
      stdout_file: template(job.stdoutFile),
      stop_time: job.stopTime,
      submission_time: job.submissionTime,
      walltime: job.walltime,
    };
  }

  /** Revs only grow, so their sum changes whenever one of the job's resources does (or goes). */
  private resourceStamp(job: JobRow): number {
    let sum = 0;
    for (const id of job.assigned.length > 0 ? job.assigned : job.planned)
      sum += this.cluster.resource(id)?.rev ?? -1e6;
    return sum;
  }

  private cached(owner: object, key: string, stamp: number, build: () => object): Fragments {
    let entries = this.cache.get(owner);
    if (!entries) this.cache.set(owner, (entries = new Map()));
    const hit = entries.get(key);
    if (hit && hit.stamp === stamp) return hit.fragments;
    const fragments = JSON.stringify(build()).split(STAMP_JSON);
    entries.set(key, { stamp, fragments });
    return fragments;
  }
}

/** Puts the current api_timestamp into a cached row. */
export function stampRow(fragments: Fragments, timestamp: number): string {
  return fragments.length === 1 ? fragments[0] : fragments.join(String(timestamp));
}

/** Serialises a freshly built (uncached) row with the current api_timestamp. */
export function stampObject(row: object, timestamp: number): string {
  return stampRow(JSON.stringify(row).split(STAMP_JSON), timestamp);
}

function canSeeRequest(job: JobRow, viewer: string): boolean {
  return viewer === job.owner || viewer === 'oar' || viewer === 'root';
}

export function jobLinks(id: number, base: string): object[] {
  return [
    { href: `${base}/jobs/${id}`, rel: 'self' },
    { href: `${base}/jobs/${id}/resources`, rel: 'collection', title: 'resources' },
    { href: `${base}/jobs/${id}/nodes`, rel: 'collection', title: 'nodes' },
  ];
}

function resourceLinks(r: ResourceRow, base: string): object[] {
  return [
    { href: `${base}/resources/nodes/${r.network_address}`, rel: 'member', title: 'node' },
    { href: `${base}/resources/${r.id}`, rel: 'self' },
    { href: `${base}/resources/${r.id}/jobs`, rel: 'collection', title: 'jobs' },
  ];
}

function shortResource(r: ResourceRow, base: string): object {
  return {
    api_timestamp: STAMP,
    available_upto: r.available_upto,
    id: r.id,
    links: resourceLinks(r, base),
    network_address: r.network_address,
    state: r.state,
  };
}

function jobListItem(job: JobRow, base: string): object {
  return {
    api_timestamp: STAMP,
    id: job.id,
    links: jobLinks(job.id, base),
    name: job.name,
    owner: job.owner,
    queue: job.queue,
    state: job.state,
    submission: job.submissionTime,
  };
}
