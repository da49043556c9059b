import type { CallOptions, ListOptions, OarAcknowledgement, SubmitJobRequest, SubmittedJob } from './api-types';
import { checkId, type OarClient } from './client';
import { OarRequestError } from './errors';
import {
  mapAcknowledgement,
  mapJob,
  mapJobSummary,
  mapNodeName,
  mapResource,
  mapSubmitted,
  pageQuery,
  parsePage,
  toOarSubmitBody,
} from './mapping';
import type { Job, JobState, JobSummary, Resource } from './model';

export interface JobQuery {
  /** Only jobs in these states (OAR's default for lists: the unfinished ones). */
  state?: JobState | readonly JobState[];
  /** Only these jobs, finished or not (OAR's `ids=a:b:c`). */
  ids?: readonly number[];
  /** Only this login's jobs (OAR's `user`). */
  user?: string;
  /**
   * A time window (OAR's `from`/`to`, epoch seconds): jobs that ended at or after `from` (or still
   * run then), and started before `to`; a job that never started counts by its submission time.
   */
  from?: Date;
  to?: Date;
}

/**
 * OAR pastes `from`/`to` into its SQL as they come: only whole epoch seconds are ever sent, rounded
 * outwards (`from` down, `to` up) so the window never loses a job at its edges.
 */
function epochSeconds(date: Date, what: 'from' | 'to'): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new OarRequestError(`${what} must be a valid date after 1970`);
  return String((what === 'from' ? Math.floor : Math.ceil)(ms / 1000));
}

function listQuery(query: JobQuery): Record<string, string> {
  const result: Record<string, string> = {};
  if (query.state !== undefined) result.state = [query.state].flat().join(',');
  if (query.ids !== undefined) result.ids = query.ids.map((id) => checkId(id, 'job id')).join(':');
  if (query.user !== undefined) result.user = query.user;
  if (query.from !== undefined) result.from = epochSeconds(query.from, 'from');
  if (query.to !== undefined) result.to = epochSeconds(query.to, 'to');
  return result;
}

/** `oar.jobs`: read, submit and act on jobs. */
export class OarJobs {
  constructor(private readonly oar: OarClient) {}

  /** `GET /jobs` (all pages): summaries of the unfinished jobs, or of those in `state`. */
  async list(query: JobQuery = {}, call?: ListOptions): Promise<JobSummary[]> {
    return this.oar.all('jobs', mapJobSummary, { ...call, query: listQuery(query) });
  }

  /** How many jobs `GET /jobs` lists for `query`: OAR's `total`, read with a one-item page. */
  async count(query: JobQuery = {}, call?: CallOptions): Promise<number> {
    const page = await this.oar.request(
      { path: 'jobs', query: { ...listQuery(query), ...pageQuery(1, 0) } },
      parsePage,
      call,
    );
    return page.total ?? page.items.length;
  }

  /** `GET /jobs/details` (all pages): full jobs with their nodes and resources. */
  async details(query: JobQuery = {}, call?: ListOptions): Promise<Job[]> {
    return this.oar.all('jobs/details', mapJob, { ...call, query: listQuery(query) });
  }

  /**
   * `GET /jobs/table` (all pages): OAR's raw jobs table rows (times, walltime, exit code, command,
   * message; no events or resources) of the unfinished jobs, or of those `query` selects: the cheap
   * way to read finished jobs by time window (`/jobs/details` costs OAR several queries a job).
   */
  async table(query: JobQuery = {}, call?: ListOptions): Promise<Job[]> {
    return this.oar.all('jobs/table', mapJob, { ...call, query: listQuery(query) });
  }

  /** `GET /jobs/<id>` (needs a login): also finished jobs. */
  async get(id: number, call?: CallOptions): Promise<Job> {
    return this.oar.request({ path: `jobs/${checkId(id, 'job id')}` }, mapJob, call);
  }

  /** `GET /jobs/<id>/details`: the job with its nodes and resources. */
  async getDetails(id: number, call?: CallOptions): Promise<Job> {
    return this.oar.request({ path: `jobs/${checkId(id, 'job id')}/details` }, mapJob, call);
  }

  /** `GET /jobs/<id>/resources`: the resources assigned to the job. */
  async resources(id: number, call?: ListOptions): Promise<Resource[]> {
    return this.oar.all(`jobs/${checkId(id, 'job id')}/resources`, mapResource, call);
  }

  /** `GET /jobs/<id>/nodes`: names of the nodes assigned to the job. */
  async nodes(id: number, call?: ListOptions): Promise<string[]> {
    return this.oar.all(`jobs/${checkId(id, 'job id')}/nodes`, mapNodeName, call);
  }

  /** `POST /jobs` (oarsub as `call.as`). */
  async submit(request: SubmitJobRequest, call?: CallOptions): Promise<SubmittedJob> {
    return this.oar.request({ method: 'POST', path: 'jobs', body: toOarSubmitBody(request) }, mapSubmitted, call);
  }

  /** `DELETE /jobs/<id>` (oardel). */
  async cancel(id: number, call?: CallOptions): Promise<OarAcknowledgement> {
    return this.oar.request({ method: 'DELETE', path: `jobs/${checkId(id, 'job id')}` }, mapAcknowledgement, call);
  }

  /** `POST /jobs/<id>/deletions/new` (oardel, for clients that cannot send DELETE). */
  async requestDeletion(id: number, call?: CallOptions): Promise<OarAcknowledgement> {
    return this.action(id, 'deletions/new', call);
  }

  /** `POST /jobs/<id>/holds/new` (oarhold). */
  async hold(id: number, call?: CallOptions): Promise<OarAcknowledgement> {
    return this.action(id, 'holds/new', call);
  }

  /** `POST /jobs/<id>/resumptions/new` (oarresume). */
  async resume(id: number, call?: CallOptions): Promise<OarAcknowledgement> {
    return this.action(id, 'resumptions/new', call);
  }

  /** `POST /jobs/<id>/checkpoints/new` (oardel -c: send the checkpoint signal). */
  async checkpoint(id: number, call?: CallOptions): Promise<OarAcknowledgement> {
    return this.action(id, 'checkpoints/new', call);
  }

  /** `POST /jobs/<id>/resubmissions/new` (oarsub --resubmit): the same job again, under a new id. */
  async resubmit(id: number, call?: CallOptions): Promise<SubmittedJob> {
    return this.oar.request(
      { method: 'POST', path: `jobs/${checkId(id, 'job id')}/resubmissions/new` },
      mapSubmitted,
      call,
    );
  }

  /** `POST /jobs/<id>/signals/<signal>` (oardel -s). */
  async signal(id: number, signal: number, call?: CallOptions): Promise<OarAcknowledgement> {
    if (!Number.isInteger(signal) || signal < 1 || signal > 64) {
      throw new OarRequestError(`signal must be an integer from 1 to 64, got ${signal}`);
    }
    return this.action(id, `signals/${signal}`, call);
  }

  private async action(id: number, action: string, call?: CallOptions): Promise<OarAcknowledgement> {
    return this.oar.request(
      { method: 'POST', path: `jobs/${checkId(id, 'job id')}/${action}` },
      mapAcknowledgement,
      call,
    );
  }
}
