/**
 * "Why is my job waiting?", pure: from one job and the snapshot it is in, the plain-language reasons
 * OAR's own data gives: the predicted start and how far away it is, the jobs holding the planned cores
 * and until when, a hold, dependencies not done, an advance reservation, a request no resources can
 * take (it will never start), and the fair-share / quota facts of OAR's `message`. One definition for
 * `GET /api/jobs/:id/why` and the web app.
 */
import { FINAL_JOB_STATES, type Job, type Node } from '@oar-live/oar-client';

export const WAIT_REASON_KINDS = [
  'not-waiting',
  'hold',
  'dependency',
  'reservation',
  'predicted-start',
  'blocked-by',
  'never',
  'nodes-away',
  'not-planned',
  'fair-share',
  'quota',
] as const;
export type WaitReasonKind = (typeof WAIT_REASON_KINDS)[number];

export interface WaitReason {
  kind: WaitReasonKind;
  /** One plain sentence about the cluster. */
  text: string;
  /** The jobs the reason names (holding the planned cores, depended on). */
  jobIds?: number[];
  /** When the reason stops holding, when OAR's data tells (ISO). */
  until?: string;
}

export interface WaitExplanation {
  jobId: number;
  state: string;
  /** Waiting or Hold: not started yet. */
  waiting: boolean;
  /** OAR cannot ever start the job as the cluster stands (resources must be added or brought back). */
  neverStarts: boolean;
  /** OAR's predicted start (ISO), when it has one. */
  scheduledStart?: string;
  /** Seconds from `at` to scheduledStart (negative: the predicted time has passed). */
  startsInSeconds?: number;
  /** The time the explanation is for (ISO). */
  at: string;
  reasons: WaitReason[];
}

export interface ClusterView {
  nodes: readonly Node[];
  jobs: readonly Job[];
}

/** Messages OAR's schedulers write into a job they cannot place (oar_sched_gantt_with_timesharing*). */
const NO_SLOT = /^(Cannot find enough resources for job \d+|No enough matching resources \((no_matching_slot)\))/;
const NO_DEPENDENCY_TIME = /^Cannot determine scheduling time due to dependency with the job (\d+)/;
const KARMA = /Karma=(\d+(?:\.\d+)?)/;
const QUOTA_EXCEEDED = /quota_exceeded:([^)]*)/;

export function explainWait(job: Job, cluster: ClusterView, now: number): WaitExplanation {
  const at = new Date(now).toISOString();
  const base = { jobId: job.id, state: job.state, at, scheduledStart: job.scheduledStart };
  if (job.state !== 'Waiting' && job.state !== 'Hold') {
    const since = job.startedAt ? ` since ${clock(job.startedAt)}` : '';
    return {
      ...base,
      waiting: false,
      neverStarts: false,
      reasons: [{ kind: 'not-waiting', text: `Job ${job.id} is not waiting: it is ${job.state}${since}.` }],
    };
  }
  const jobs = new Map(cluster.jobs.map((j) => [j.id, j]));
  const reasons: WaitReason[] = [];
  if (job.state === 'Hold')
    reasons.push({
      kind: 'hold',
      text: `Job ${job.id} is held: OAR will not plan or start it until its owner or an admin resumes it.`,
    });
  reasons.push(...dependencyReasons(job, jobs));
  if (job.reservation)
    reasons.push({
      kind: 'reservation',
      text: job.scheduledStart
        ? `Job ${job.id} is an advance reservation: it starts at its reserved time, ${clock(job.scheduledStart)}.`
        : `Job ${job.id} is an advance reservation OAR has not granted a slot yet.`,
      until: job.scheduledStart,
    });
  const startsInSeconds = job.scheduledStart ? Math.round((Date.parse(job.scheduledStart) - now) / 1000) : undefined;
  if (job.scheduledStart && startsInSeconds !== undefined && !job.reservation)
    reasons.push({
      kind: 'predicted-start',
      text:
        startsInSeconds > 0
          ? `OAR predicts job ${job.id} starts at ${clock(job.scheduledStart)}, in ${humanDuration(startsInSeconds)}.`
          : `OAR predicted job ${job.id} would start at ${clock(job.scheduledStart)}, ${humanDuration(-startsInSeconds)} ago: it should start at OAR's next scheduling pass.`,
      until: job.scheduledStart,
    });
  // A reservation starts at its reserved time whoever uses its cores before.
  if (!job.reservation) reasons.push(...blockingReasons(job, jobs));
  const never = noSlotReason(job, cluster);
  if (never) reasons.push(never);
  else if (job.state === 'Waiting' && !job.scheduledStart && !reasons.some((r) => r.kind === 'dependency'))
    reasons.push({
      kind: 'not-planned',
      text: `OAR has not placed job ${job.id} in its schedule yet; it does at its next scheduling pass, usually within seconds.`,
    });
  reasons.push(...messageReasons(job));
  return { ...base, waiting: true, neverStarts: never?.kind === 'never', startsInSeconds, reasons };
}

function dependencyReasons(job: Job, jobs: ReadonlyMap<number, Job>): WaitReason[] {
  const reasons: WaitReason[] = [];
  for (const id of job.dependencies ?? []) {
    const dependency = jobs.get(id);
    // A dependency no longer in the snapshot has finished: it holds nothing back.
    if (!dependency || (FINAL_JOB_STATES as readonly string[]).includes(dependency.state)) continue;
    const end = expectedEnd(dependency);
    reasons.push({
      kind: 'dependency',
      text:
        `Job ${job.id} may only start once job ${id} (${dependency.user}, ${dependency.state}) has ended` +
        (end ? `, which OAR expects by ${clock(end)}.` : '; OAR has no end time for it yet.'),
      jobIds: [id],
      until: end,
    });
  }
  const match = NO_DEPENDENCY_TIME.exec(job.message ?? '');
  if (match && !reasons.some((r) => r.jobIds?.includes(Number(match[1]))))
    reasons.push({
      kind: 'dependency',
      text: `OAR cannot plan job ${job.id} yet: job ${match[1]}, which it depends on, has no start time yet.`,
      jobIds: [Number(match[1])],
    });
  return reasons;
}

/** The jobs using (or planned earlier on) the cores OAR planned for this job, each with when it frees them. */
function blockingReasons(job: Job, jobs: ReadonlyMap<number, Job>): WaitReason[] {
  const planned = new Set(job.plannedResourceIds ?? []);
  if (planned.size === 0) return [];
  const start = job.scheduledStart ? Date.parse(job.scheduledStart) : Infinity;
  const blockers: Array<{ other: Job; cores: number; end?: string }> = [];
  for (const other of jobs.values()) {
    if (other.id === job.id) continue;
    const inUse = other.resourceIds.filter((id) => planned.has(id)).length;
    const earlier =
      other.scheduledStart && Date.parse(other.scheduledStart) < start
        ? (other.plannedResourceIds ?? []).filter((id) => planned.has(id)).length
        : 0;
    if (inUse + earlier > 0) blockers.push({ other, cores: inUse + earlier, end: expectedEnd(other) });
  }
  blockers.sort((a, b) => (a.end ?? '~').localeCompare(b.end ?? '~') || a.other.id - b.other.id);
  return blockers.map(({ other, cores, end }) => ({
    kind: 'blocked-by',
    text:
      `Job ${other.id} (${other.user}, ${other.state}) ${other.resourceIds.length > 0 ? 'holds' : 'is planned before it on'} ` +
      `${cores} of the ${planned.size} ${planned.size === 1 ? 'core' : 'cores'} OAR planned for job ${job.id}` +
      (end ? `, until ${clock(end)} at the latest (its walltime).` : '.'),
    jobIds: [other.id],
    until: end,
  }));
}

/**
 * OAR says it finds no slot for the job. With every resource Alive or Dead none can come back, so the
 * request can never be met (it asks for more cores, or for properties, than the live nodes have);
 * with Absent or Suspected nodes it may start once they return.
 */
function noSlotReason(job: Job, cluster: ClusterView): WaitReason | undefined {
  if (!NO_SLOT.test(job.message ?? '')) return undefined;
  const away = cluster.nodes.filter((node) =>
    node.resources.some((r) => r.state === 'Absent' || r.state === 'Suspected'),
  );
  if (away.length > 0)
    return {
      kind: 'nodes-away',
      text: `No resources that are up now can take job ${job.id}; it may start once ${listNames(away.map((n) => n.name))} ${away.length === 1 ? 'is' : 'are'} back.`,
    };
  const request = [job.wantedResources, job.properties].filter(Boolean).join(' with ');
  return {
    kind: 'never',
    text:
      `Job ${job.id} will never start: no resources of this cluster can ever match its request` +
      (request ? ` (${request.trim()})` : '') +
      '. Cancel it, or ask an admin to add or bring back matching nodes.',
  };
}

function messageReasons(job: Job): WaitReason[] {
  const reasons: WaitReason[] = [];
  const message = job.message ?? '';
  const quota = QUOTA_EXCEEDED.exec(message);
  if (quota)
    reasons.push({
      kind: 'quota',
      text: `A quota of the cluster is reached, so OAR plans job ${job.id} later than its resources would allow (OAR: ${quota[1]}).`,
    });
  const karma = KARMA.exec(message);
  if (karma && job.state === 'Waiting')
    reasons.push({
      kind: 'fair-share',
      text: `Fair share: its owner's karma is ${karma[1]}; OAR serves users with a higher karma (more recent use) after the others.`,
    });
  return reasons;
}

/** A job's end by its walltime: start (or predicted start) + walltime. */
function expectedEnd(job: Job): string | undefined {
  const start = job.startedAt ?? job.scheduledStart;
  if (!start || job.walltime === undefined) return undefined;
  return new Date(Date.parse(start) + job.walltime * 1000).toISOString();
}

/** ISO → "2026-12-05 04:12:03 UTC": the same for every reader, whatever their time zone. */
function clock(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** 45 → "45 s", 750 → "12 min 30 s", 7380 → "2 h 3 min", 200000 → "2 days 7 h". */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [days, hours, minutes, rest] = [
    Math.floor(s / 86400),
    Math.floor(s / 3600) % 24,
    Math.floor(s / 60) % 60,
    s % 60,
  ];
  if (days > 0) return `${days} ${days === 1 ? 'day' : 'days'}${hours ? ` ${hours} h` : ''}`;
  if (hours > 0) return `${hours} h${minutes ? ` ${minutes} min` : ''}`;
  if (minutes > 0) return `${minutes} min${rest ? ` ${rest} s` : ''}`;
  return `${rest} s`;
}

function listNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
