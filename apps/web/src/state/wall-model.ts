/**
 * What the wall tells besides the grid, computed from the snapshot alone: the legend of running jobs
 * and their users (in the grid's colours), the queue, nodes grouped by a property, and the ticker's
 * lines. Pure, so its spec needs no browser.
 */
import type { Job } from '@oar-live/oar-client';
import { RUNNING_STATES, WAITING_STATES, type WholeEvent } from '@oar-live/shared';
import { jobColor } from './node-style';

export interface LegendJob {
  id: number;
  user: string;
  name: string | null;
  cores: number;
  color: string;
}
export interface LegendUser {
  user: string;
  jobs: number;
  cores: number;
}
export interface Legend {
  /** The running jobs holding the most cores, most first (ties: lower id first). */
  jobs: LegendJob[];
  /** Running jobs not listed in `jobs`. */
  moreJobs: number;
  users: LegendUser[];
  moreUsers: number;
}

/** The `limit` running jobs and `userLimit` users holding the most cores. */
export function runningLegend(jobs: readonly Job[], limit: number, userLimit = limit): Legend {
  const running = jobs.filter((job) => RUNNING_STATES.has(job.state));
  const byCores = running
    .map((job) => ({
      id: job.id,
      user: job.user,
      name: job.name,
      cores: job.resourceIds.length,
      color: jobColor(job.id),
    }))
    .sort((a, b) => b.cores - a.cores || a.id - b.id);
  const users = new Map<string, LegendUser>();
  for (const job of byCores) {
    const entry = users.get(job.user) ?? { user: job.user, jobs: 0, cores: 0 };
    entry.jobs++;
    entry.cores += job.cores;
    users.set(job.user, entry);
  }
  const userList = [...users.values()].sort((a, b) => b.cores - a.cores || a.user.localeCompare(b.user));
  return {
    jobs: byCores.slice(0, limit),
    moreJobs: Math.max(0, byCores.length - limit),
    users: userList.slice(0, userLimit),
    moreUsers: Math.max(0, userList.length - userLimit),
  };
}

export interface QueueSummary {
  waiting: number;
  /** The job waiting longest and for how many seconds, if any waits. */
  oldest?: { id: number; user: string; seconds: number };
}

export function queueSummary(jobs: readonly Job[], now: number): QueueSummary {
  let oldest: QueueSummary['oldest'];
  let waiting = 0;
  for (const job of jobs) {
    if (!WAITING_STATES.has(job.state)) continue;
    waiting++;
    const seconds = Math.max(0, Math.floor((now - Date.parse(job.submittedAt)) / 1000));
    if (!oldest || seconds > oldest.seconds) oldest = { id: job.id, user: job.user, seconds };
  }
  return { waiting, oldest };
}

/** A wait as people say it across a room: "45 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/**
 * The ticker's line for an event, in plain words, or undefined for the changes a wall need not tell
 * (a job's fields, a node's counters, operations).
 */
export function tickerLine(event: WholeEvent): string | undefined {
  switch (event.type) {
    case 'job.added':
      return WAITING_STATES.has(event.job.state)
        ? `Job ${event.job.id} (${event.job.user}) submitted`
        : `Job ${event.job.id} (${event.job.user}) is ${event.job.state}`;
    case 'job.changed':
      if (!event.changed?.includes('state')) return undefined;
      if (event.job.state === 'Running')
        return `Job ${event.job.id} (${event.job.user}) started on ${plural(event.job.nodes.length, 'node')}`;
      return `Job ${event.job.id} (${event.job.user}) is ${event.job.state}`;
    case 'job.removed': {
      const exit = event.job.exitCode != null && event.job.exitCode !== 0 ? `, exit code ${event.job.exitCode}` : '';
      return `Job ${event.id} (${event.job.user}) ended: ${event.job.state}${exit}`;
    }
    case 'node.added':
      return `${event.node.name} joined (${plural(event.node.totalCores, 'core')})`;
    case 'node.changed':
      return event.changed?.includes('state') ? `${event.node.name} is now ${event.node.state}` : undefined;
    case 'node.removed':
      return `${event.name} was removed`;
    case 'source.status':
      return event.status === 'up' ? 'OAR answers again' : (event.error ?? `OAR is ${event.status}`);
    case 'operation.updated':
      return undefined;
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
