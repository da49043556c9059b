/**
 * The simulator's own rows, shaped like OAR's database tables (not the oar-live domain model, which
 * is what OAR's JSON *means*; these are what OAR *stores* and the API prints).
 */
import type { ResourceRequest } from './resource-request';

export type ResourceState = 'Alive' | 'Absent' | 'Suspected' | 'Dead';
export const STATE_NUM: Record<ResourceState, number> = { Alive: 1, Absent: 2, Suspected: 3, Dead: 4 };

/** One OAR resource row (one core), with the properties the sandbox defines (host, cpu, core, cpuset). */
export interface ResourceRow {
  id: number;
  network_address: string;
  host: string | null;
  cpu: number | null;
  core: number | null;
  cpuset: number;
  state: ResourceState;
  besteffort: 'YES' | 'NO';
  deploy: 'YES' | 'NO';
  desktop_computing: 'YES' | 'NO';
  drain: 'YES' | 'NO';
  type: string;
  available_upto: number;
  last_job_date: number;
  /** Columns a site added with `oarproperty` (e.g. `cluster`); absent: the sandbox's columns only. */
  site?: Record<string, string>;
  /** Bumped on every change: invalidates the cached JSON of this row. */
  rev: number;
}

export type JobState = 'Hold' | 'Waiting' | 'toLaunch' | 'Launching' | 'Running' | 'Finishing' | 'Terminated' | 'Error';

export const FINISHED: ReadonlySet<JobState> = new Set(['Terminated', 'Error']);
/** States in which a job holds its resources (OAR's "running on resource"). */
export const HOLDS_RESOURCES: ReadonlySet<JobState> = new Set(['toLaunch', 'Launching', 'Running', 'Finishing']);

export interface JobEventRow {
  date: number;
  description: string;
  event_id: number;
  job_id: number;
  to_check: 'NO';
  type: string;
}

export interface JobRow {
  id: number;
  owner: string;
  name: string | null;
  queue: string;
  state: JobState;
  command: string;
  initialRequest: string;
  launchingDirectory: string;
  project: string;
  types: string[];
  /** The `properties` column as OAR rewrites it (with desktop_computing/drain clauses). */
  properties: string;
  /** Predicate compiled from the user's `property`, if any. */
  matches?: (r: ResourceRow) => boolean;
  request: ResourceRequest;
  stdoutFile: string;
  stderrFile: string;
  submissionTime: number;
  startTime: number;
  stopTime: number;
  scheduledStart: number | null;
  /** Ids of the jobs that must end before this one starts (`oarsub --anterior`). */
  dependencies: number[];
  /** Walltime once the scheduler has placed the job (null before, like OAR's moldable assignment). */
  walltime: number | null;
  exitCode: number | null;
  message: string;
  events: JobEventRow[];
  assigned: number[];
  /** Resources planned for a job that cannot start yet ("scheduled" in OAR's answers). */
  planned: number[];
  /** Simulated run time and exit status of the command. */
  runSeconds: number;
  exitStatus: number;
  /** A delete was requested (OAR's frag_jobs row). */
  fragged: boolean;
  /** Bumped when the job's course changes (killed, held): steps planned before it are void. */
  course: number;
  rev: number;
}
