import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { FINAL_JOB_STATES, OarClient, type Job, type JobState } from '@oar-live/oar-client';
import type { HistoryTotals, JobHistoryPage, JobHistorySummary } from '@oar-live/shared';

/** How long one read of OAR answers for the same window (history is never polled at the live cadence). */
export const HISTORY_CACHE_MS = 30_000;
/** Windows kept at once (each a list of finished jobs). */
const CACHED_WINDOWS = 16;
/** Jobs per OAR page: OAR takes any limit, and few large pages cost it less than many small ones. */
const OAR_PAGE = 2000;
/** The first window `newest` asks OAR for; it grows fourfold until it holds a page. */
const FIRST_SPAN_MS = 3600_000;

export interface HistoryFilter {
  from: Date;
  to: Date;
  user?: string;
  queue?: string;
  state?: string;
  name?: string;
}

interface Read {
  at: number;
  jobs: Promise<Job[]>;
}

/**
 * Finished jobs by time window, read from OAR (`GET /jobs/table?state=Terminated,Error&from=&to=`, as
 * `oar` who may read every job) and kept for HISTORY_CACHE_MS, so paging and summaries of one window
 * cost OAR one read. OAR filters by window, state and user; queue and name are filtered here (its
 * API has no such parameter). A window without `to` ends at "now" rounded up (windowOf), so
 * repeated views of the last 24 hours share a read. A Map in insertion order is the whole cache: a
 * library for 16 short-lived entries would add more than it saves.
 */
@Injectable()
export class JobHistory {
  private readonly logger = new Logger(JobHistory.name);
  private readonly reads = new Map<string, Read>();

  constructor(private readonly oar: OarClient) {}

  async page(filter: HistoryFilter, offset: number, limit: number): Promise<JobHistoryPage> {
    if (offset === 0 && !filter.queue && !filter.name && !this.cached(filter)) {
      const newest = await this.newest(filter, limit);
      // The other pages and the summary will want the whole window: read it now, after this answer.
      setImmediate(() => void this.read(filter.from, filter.to, filter.user).jobs.catch(() => undefined));
      return { ...window(filter), ...newest, offset, limit, jobs: newest.jobs.slice(0, limit) };
    }
    const { jobs, readAt } = await this.matching(filter);
    return { ...window(filter), total: jobs.length, offset, limit, jobs: jobs.slice(offset, offset + limit), readAt };
  }

  async summary(filter: HistoryFilter): Promise<JobHistorySummary> {
    const { jobs, readAt } = await this.matching(filter);
    return {
      ...window(filter),
      total: jobs.length,
      users: totalsBy(jobs, (job) => job.user),
      queues: totalsBy(jobs, (job) => job.queue),
      readAt,
    };
  }

  /** The window's finished jobs that pass the filter, the most recently ended first. */
  private async matching(filter: HistoryFilter): Promise<{ jobs: Job[]; readAt: string }> {
    const read = this.read(filter.from, filter.to, filter.user);
    const needle = filter.name?.toLowerCase();
    const jobs = (await read.jobs).filter(
      (job) =>
        (!filter.queue || job.queue === filter.queue) &&
        (!filter.state || job.state === filter.state) &&
        (!needle || (job.name ?? '').toLowerCase().includes(needle)),
    );
    return { jobs, readAt: new Date(read.at).toISOString() };
  }

  /**
   * The first page without reading the whole window (10,000 jobs cost OAR and oar-live seconds): OAR
   * is asked for the jobs that ended in the window's last hour, then 4, 16 … hours, until that holds
   * `wanted` of them (every other job of the window ended before these), and for the window's count.
   * A job that never started is placed by its submission time, as OAR's window does.
   */
  private async newest(filter: HistoryFilter, wanted: number): Promise<{ jobs: Job[]; total: number; readAt: string }> {
    const query = {
      state: filter.state ? [filter.state as JobState] : FINAL_JOB_STATES,
      to: filter.to,
      user: filter.user,
    };
    const readAt = new Date().toISOString();
    try {
      // The count goes with the first read, not before it: one round trip less to the first rows.
      const counting = this.oar.jobs.count({ ...query, from: filter.from }, { as: 'oar' });
      counting.catch(() => undefined); // awaited below; a failure is handled there
      for (let span = FIRST_SPAN_MS; ; span *= 4) {
        const from = new Date(Math.max(filter.from.getTime(), filter.to.getTime() - span));
        const jobs = await this.oar.jobs.table({ ...query, from }, { as: 'oar', limit: OAR_PAGE });
        const total = await counting;
        if (jobs.length >= Math.min(wanted, total) || from.getTime() === filter.from.getTime())
          return { jobs: jobs.sort(byEndDescending), total, readAt };
      }
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  private cached(filter: HistoryFilter): boolean {
    const entry = this.reads.get(keyOf(filter.from, filter.to, filter.user));
    return entry !== undefined && Date.now() - entry.at <= HISTORY_CACHE_MS;
  }

  private unavailable(err: unknown): ServiceUnavailableException {
    this.logger.warn(`reading finished jobs from OAR: ${(err as Error).message}`);
    return new ServiceUnavailableException(
      'The job history could not be read: OAR did not answer. Try again in a moment.',
    );
  }

  private read(from: Date, to: Date, user?: string): Read {
    const now = Date.now();
    for (const [key, entry] of this.reads) if (now - entry.at > HISTORY_CACHE_MS) this.reads.delete(key);
    const key = keyOf(from, to, user);
    const cached = this.reads.get(key);
    if (cached) return cached;
    const jobs = this.oar.jobs
      .table({ state: FINAL_JOB_STATES, from, to, user }, { as: 'oar', limit: OAR_PAGE })
      .then((found) => found.sort(byEndDescending))
      .catch((err: unknown) => {
        this.reads.delete(key);
        throw this.unavailable(err);
      });
    const entry = { at: now, jobs };
    this.reads.set(key, entry);
    if (this.reads.size > CACHED_WINDOWS) this.reads.delete(this.reads.keys().next().value!);
    return entry;
  }
}

const keyOf = (from: Date, to: Date, user?: string) => `${user ?? ''}|${from.getTime()}|${to.getTime()}`;

const window = (filter: HistoryFilter) => ({ from: filter.from.toISOString(), to: filter.to.toISOString() });

const endOf = (job: Job) => job.stoppedAt ?? job.startedAt ?? job.submittedAt;

function byEndDescending(a: Job, b: Job): number {
  return endOf(b).localeCompare(endOf(a)) || b.id - a.id;
}

function runSeconds(job: Job): number {
  if (!job.startedAt || !job.stoppedAt) return 0;
  return Math.max(0, (Date.parse(job.stoppedAt) - Date.parse(job.startedAt)) / 1000);
}

/** Totals per key, the busiest (most jobs) first. */
export function totalsBy(jobs: readonly Job[], keyOf: (job: Job) => string): HistoryTotals[] {
  const totals = new Map<string, HistoryTotals>();
  for (const job of jobs) {
    const key = keyOf(job);
    const entry = totals.get(key) ?? { key, jobs: 0, terminated: 0, errors: 0, runSeconds: 0 };
    entry.jobs++;
    if (job.state === 'Error') entry.errors++;
    else entry.terminated++;
    entry.runSeconds += runSeconds(job);
    totals.set(key, entry);
  }
  return [...totals.values()].sort((a, b) => b.jobs - a.jobs || a.key.localeCompare(b.key));
}
