/**
 * The oar-live domain model: what OAR's JSON means, declared once.
 * Every other part of the project (API, web app, simulator, tests) imports these types;
 * the mapping from OAR's JSON to them lives in ./mapping.ts and nowhere else.
 */

export const RESOURCE_STATES = ['Alive', 'Absent', 'Suspected', 'Dead'] as const;
export type ResourceState = (typeof RESOURCE_STATES)[number];

/** States an admin may set through the API (OAR refuses the others). */
export const SETTABLE_RESOURCE_STATES = ['Alive', 'Absent', 'Dead'] as const;
export type SettableResourceState = (typeof SETTABLE_RESOURCE_STATES)[number];

export const JOB_STATES = [
  'Hold',
  'Waiting',
  'toLaunch',
  'toError',
  'toAckReservation',
  'Launching',
  'Running',
  'Suspended',
  'Resuming',
  'Finishing',
  'Terminated',
  'Error',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export const FINAL_JOB_STATES: readonly JobState[] = ['Terminated', 'Error'];
/** States a job passes through quickly: the poller watches more often while any job is in one. */
export const TRANSIENT_JOB_STATES: readonly JobState[] = [
  'toLaunch',
  'toError',
  'toAckReservation',
  'Launching',
  'Finishing',
  'Resuming',
];

const collator = new Intl.Collator('en', { numeric: true });

/** Canonical node order everywhere (node2 before node10), so snapshots compare equal. */
export function compareNodeNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * One OAR resource row (one core). A field holding OAR's default (RESOURCE_DEFAULTS), and `host` when
 * it is the node's name, is left out: most resources hold only defaults, and leaving them out halves
 * every node event and snapshot. `withResourceDefaults` gives the row with every field filled in.
 */
export interface Resource {
  id: number;
  /** The node it belongs to (OAR's `network_address`). */
  node: string;
  state: ResourceState | string;
  /** Absent: "UnChanged". */
  nextState?: string;
  /** Absent: the node's name. */
  host?: string;
  cpu?: number;
  core?: number;
  cpuset?: number;
  /** `available_upto` (epoch seconds; 2147483647 = forever, 0 = never woken up by energy saving). Absent: forever. */
  availableUpto?: number;
  /** Absent: false. */
  drain?: boolean;
  /** Absent: true. */
  besteffort?: boolean;
  /** Absent: "default". */
  type?: string;
  /**
   * The site's own properties (columns an admin added with `oarproperty`: `cluster`, `switch`, `gpu` …),
   * as text, from the full resource rows (`/resources/full`, `/resources/<id>`). Absent: none.
   */
  properties?: Record<string, string>;
  /** Ids of the unfinished jobs this resource is assigned to (in use now, or being launched). */
  jobIds: number[];
  /**
   * Ids of the Waiting jobs OAR's scheduler has planned on this resource (`status: "scheduled"`):
   * promised for later, not in use. Absent: none.
   */
  plannedJobIds?: number[];
}

/** What OAR gives a resource unless told otherwise (its `resources` table defaults). */
export const RESOURCE_DEFAULTS = {
  nextState: 'UnChanged',
  availableUpto: 2147483647,
  drain: false,
  besteffort: true,
  type: 'default',
} as const satisfies Partial<Resource>;

/** A resource as its node lists it: the node's name is not repeated in each one. */
export type NodeResource = Omit<Resource, 'node'>;

/** The fields OAR always has, as `withResourceDefaults` fills them in. */
type FilledIn = Required<Pick<Resource, 'nextState' | 'host' | 'availableUpto' | 'drain' | 'besteffort' | 'type'>>;

/** The value of every field a resource of `node` leaves out: OAR's defaults, and `host` = the node. */
export function resourceDefaults(node: string): FilledIn {
  return { ...RESOURCE_DEFAULTS, host: node };
}

/** A resource with its left-out fields filled in (the defaults, and `host` = the name of its node). */
export function withResourceDefaults<R extends NodeResource>(resource: R, node: string): R & FilledIn {
  return { ...resourceDefaults(node), ...resource };
}

/** A node is a `network_address`; its state is derived from its resources. */
export interface Node {
  name: string;
  /** All resources in one state → that state; mixed → the states joined with "/" in RESOURCE_STATES order, e.g. "Alive/Absent". */
  state: string;
  resources: NodeResource[];
  /** Jobs assigned to the node's cores (never those only planned there). */
  jobIds: number[];
  /** Cores (resources) in use by at least one job. */
  busyCores: number;
  totalCores: number;
  /**
   * The site properties of the node's resources (see Resource.properties). A property its resources
   * disagree on (a node whose cores sit on two switches) holds every distinct value, in natural order,
   * joined with "/" like a mixed state (e.g. "sw1/sw2"); resources without it are left out.
   * buildNodes always sets it (`{}` when the site has none); a snapshot kept by an older oar-live lacks it.
   */
  properties?: Record<string, string>;
  /** Waiting jobs OAR has planned on the node's cores. Absent: none. */
  plannedJobIds?: number[];
  /** Idle cores a Waiting job is planned on (disjoint from busyCores). Absent: no job is planned on the node. */
  plannedCores?: number;
  /**
   * Why the node is in its state, as the admin who set it through oar-live wrote it. OAR 2.5.9 keeps
   * no such text: oar-live stores it and shows it while the node stays in that state.
   */
  stateReason?: string;
}

const stateRank = (state: string) => {
  const rank = (RESOURCE_STATES as readonly string[]).indexOf(state);
  return rank < 0 ? RESOURCE_STATES.length : rank;
};

/** One state when all resources agree, else the distinct states joined with "/" in RESOURCE_STATES order. */
function nodeState(resources: NodeResource[]): string {
  // Most nodes have every core in one state: say so without building and sorting a set.
  if (resources.every((r) => r.state === resources[0].state)) return resources[0].state;
  const states = [...new Set(resources.map((r) => r.state))];
  return states.sort((a, b) => stateRank(a) - stateRank(b) || a.localeCompare(b)).join('/');
}

/** The fields of a node that follow from its resources (a node delta leaves them out). */
export const NODE_SUMMARY_FIELDS = [
  'state',
  'jobIds',
  'busyCores',
  'totalCores',
  'plannedJobIds',
  'plannedCores',
] as const;
export type NodeSummary = Pick<Node, (typeof NODE_SUMMARY_FIELDS)[number]>;

const sortedUnique = (ids: number[]) => [...new Set(ids)].sort((a, b) => a - b);

/** What a node's resources (in id order) say about the whole node; planned fields only when a job is planned there. */
export function nodeSummary(resources: NodeResource[]): NodeSummary {
  const busy = resources.filter((r) => r.jobIds.length > 0);
  const withPlans = resources.filter((r) => r.plannedJobIds);
  const summary: NodeSummary = {
    state: nodeState(resources),
    jobIds: busy.length > 0 ? sortedUnique(busy.flatMap((r) => r.jobIds)) : [],
    busyCores: busy.length,
    totalCores: resources.length,
  };
  if (withPlans.length > 0) {
    summary.plannedJobIds = sortedUnique(withPlans.flatMap((r) => r.plannedJobIds!));
    summary.plannedCores = withPlans.filter((r) => r.jobIds.length === 0).length;
  }
  return summary;
}

export interface JobEvent {
  type: string;
  description: string;
  date: string;
}

export interface Job {
  id: number;
  name: string | null;
  user: string;
  queue: string;
  state: JobState | string;
  command: string;
  submittedAt: string;
  startedAt?: string;
  stoppedAt?: string;
  /** Seconds. */
  walltime?: number;
  /** The job script's exit status; null when it did not exit by itself (killed, deleted, never ran). */
  exitCode?: number | null;
  /** Signal that killed the job script, when one did. */
  exitSignal?: number;
  message?: string;
  /** Node names (network addresses) assigned to the job: where it runs. Empty until it is launched. */
  nodes: string[];
  /** Resources assigned to the job. */
  resourceIds: number[];
  /**
   * Nodes OAR's scheduler has planned for a job that has not started (`status: "scheduled"` in
   * OAR's answers): a slot in the Gantt, not resources in use. Absent: none.
   */
  plannedNodes?: string[];
  /** Resources planned for the job (see plannedNodes). Absent: none. */
  plannedResourceIds?: number[];
  /** When OAR's Gantt starts the job (ISO; for a started job, its start). Absent: not scheduled. */
  scheduledStart?: string;
  /** An advance reservation (`oarsub -r`): "toSchedule" until OAR grants its slot, then "Scheduled". Absent: not one. */
  reservation?: string;
  /** Ids of the jobs that must end before this one may start (`oarsub -a`). Absent: none. */
  dependencies?: number[];
  types?: string[];
  project?: string;
  properties?: string;
  wantedResources?: string;
  directory?: string;
  stdoutFile?: string;
  stderrFile?: string;
  events?: JobEvent[];
  /** Id of the job OAR resubmitted this one as (e.g. after a node failure). */
  resubmittedAs?: number | null;
  /** Id of the job this one is a resubmission of. */
  resubmittedFrom?: number;
  arrayId?: number;
  arrayIndex?: number;
  /** The oarsub command line OAR recorded. */
  initialRequest?: string;
  /**
   * For a script uploaded through oar-live: the file's name (OAR only knows the copy it runs,
   * `./oarapi.subscript.<random>`, as `command`).
   */
  scriptName?: string;
}

/** What OAR's job list (`GET /jobs`) tells about each unfinished job. */
export type JobSummary = Pick<Job, 'id' | 'name' | 'user' | 'queue' | 'state' | 'submittedAt'>;
