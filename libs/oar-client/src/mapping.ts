/**
 * OAR's JSON ↔ the domain model. The only module that knows OAR's field names: lists and their paging
 * links, job and resource rows (in all their shapes), error bodies, and the bodies OAR expects.
 * Every function here is pure; on a shape OAR never sends it throws a TypeError naming the field.
 */
import type {
  NewResource,
  OarAcknowledgement,
  OarTimezone,
  OarVersion,
  SubmitJobRequest,
  SubmittedJob,
} from './api-types';
import {
  resourceDefaults,
  type Job,
  type JobEvent,
  type JobSummary,
  type Resource,
  type SettableResourceState,
} from './model';

export type OarRecord = Record<string, unknown>;

export interface OarPage {
  items: OarRecord[];
  total?: number;
  offset: number;
  /** `href` of the `next` link, as OAR wrote it (a path). */
  nextHref?: string;
}

/**
 * Which OAR field(s) fill each model field; the first present one wins. Job rows come in three shapes:
 * /jobs list items, full jobs (/jobs/<id>, /jobs/details) and raw /jobs/table rows (job_id, job_user …).
 */
export const JOB_FIELDS = {
  id: ['id', 'job_id'],
  name: ['name', 'job_name'],
  user: ['owner', 'job_user'],
  queue: ['queue', 'queue_name'],
  state: ['state'],
  command: ['command'],
  submittedAt: ['submission_time', 'submission'],
  startedAt: ['start_time'],
  stoppedAt: ['stop_time'],
  walltime: ['walltime'],
  exitCode: ['exit_code'],
  exitSignal: ['exit_code'],
  message: ['message'],
  nodes: ['nodes', 'assigned_network_address'],
  resourceIds: ['resources', 'assigned_resources'],
  plannedNodes: ['nodes'],
  plannedResourceIds: ['resources'],
  scheduledStart: ['scheduled_start'],
  reservation: ['reservation'],
  dependencies: ['dependencies'],
  types: ['types'],
  project: ['project'],
  properties: ['properties'],
  wantedResources: ['wanted_resources'],
  directory: ['launching_directory'],
  stdoutFile: ['stdout_file'],
  stderrFile: ['stderr_file'],
  events: ['events'],
  resubmittedAs: ['events'],
  resubmittedFrom: ['resubmit_job_id'],
  arrayId: ['array_id'],
  arrayIndex: ['array_index'],
  initialRequest: ['initial_request'],
  scriptName: [],
} as const satisfies Record<keyof Job, readonly string[]>;

export const RESOURCE_FIELDS = {
  id: ['id'],
  node: ['network_address'],
  state: ['state'],
  nextState: ['next_state'],
  host: ['host'],
  cpu: ['cpu'],
  core: ['core'],
  cpuset: ['cpuset'],
  availableUpto: ['available_upto'],
  drain: ['drain'],
  besteffort: ['besteffort'],
  type: ['type'],
  properties: [],
  jobIds: [],
  plannedJobIds: [],
} as const satisfies Record<keyof Resource, readonly string[]>;

/**
 * What a resource row holds besides the site's properties: the columns OAR itself defines (its
 * `resources` table schema), the ones RESOURCE_FIELDS maps, and what oarapi.pl adds to each row.
 */
const NOT_SITE_PROPERTIES: ReadonlySet<string> = new Set([
  ...Object.values(RESOURCE_FIELDS).flat(),
  'resource_id',
  'state_num',
  'finaud_decision',
  'next_finaud_decision',
  'suspended_jobs',
  'scheduler_priority',
  'deploy',
  'expiry_date',
  'desktop_computing',
  'last_job_date',
  'last_available_upto',
  'links',
  'api_timestamp',
  'uri',
  'status',
]);

/** The site properties of a resource row, as text; null (a property this row has no value for) is left out. */
function siteProperties(raw: OarRecord): Record<string, string> | undefined {
  let properties: Record<string, string> | undefined;
  for (const [name, value] of Object.entries(raw)) {
    if (NOT_SITE_PROPERTIES.has(name) || value === null || value === undefined) continue;
    (properties ??= {})[name] = toText(value, name)!;
  }
  return properties;
}

function record(value: unknown, what: string): OarRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(`${what} is not an object`);
  return value as OarRecord;
}

function pick(raw: OarRecord, names: readonly string[]): unknown {
  for (const name of names) if (raw[name] !== undefined) return raw[name];
  return undefined;
}

/** OAR sends some numbers as strings (`cpuset: "1"`, ids in acknowledgements). */
function toNumber(value: unknown, field: string): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new TypeError(`${field} is not a number: ${JSON.stringify(value)}`);
  return n;
}

function requiredNumber(raw: OarRecord, names: readonly string[]): number {
  const n = toNumber(pick(raw, names), names[0]);
  if (n === undefined) throw new TypeError(`${names[0]} is missing`);
  return n;
}

function toText(value: unknown, field: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new TypeError(`${field} is not a string: ${JSON.stringify(value)}`);
}

function requiredText(raw: OarRecord, names: readonly string[]): string {
  const text = toText(pick(raw, names), names[0]);
  if (text === undefined) throw new TypeError(`${names[0]} is missing`);
  return text;
}

/** Epoch seconds → ISO; OAR writes 0 for "not yet" (start/stop of a waiting job). */
function toIso(value: unknown, field: string): string | undefined {
  const seconds = toNumber(value, field);
  return seconds ? new Date(seconds * 1000).toISOString() : undefined;
}

function toYesNo(value: unknown): boolean | undefined {
  return value === 'YES' ? true : value === 'NO' ? false : undefined;
}

function list(value: unknown, field: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`${field} is not a list`);
  return value;
}

export function parsePage(body: unknown): OarPage {
  const raw = record(body, 'list response');
  const items = list(raw.items, 'items').map((item, i) => record(item, `items[${i}]`));
  const next = list(raw.links, 'links').find((link) => record(link, 'link').rel === 'next') as OarRecord | undefined;
  return {
    items,
    total: toNumber(raw.total, 'total'),
    offset: toNumber(raw.offset, 'offset') ?? 0,
    nextHref: next ? toText(next.href, 'links.href') : undefined,
  };
}

/** The query that asks OAR for one page. */
export function pageQuery(limit: number, offset: number): Record<string, string> {
  return { limit: String(limit), offset: String(offset) };
}

/** Leaves out the fields holding OAR's defaults, and `host` when it is the node's name (see Resource). */
export function mapResource(body: unknown): Resource {
  const raw = record(body, 'resource');
  const f = RESOURCE_FIELDS;
  const node = requiredText(raw, f.node);
  const resource: Resource = { id: requiredNumber(raw, f.id), node, state: requiredText(raw, f.state), jobIds: [] };
  const optional: Omit<Resource, 'id' | 'node' | 'state' | 'jobIds'> = {
    nextState: toText(pick(raw, f.nextState), 'next_state'),
    host: toText(pick(raw, f.host), 'host'),
    cpu: toNumber(pick(raw, f.cpu), 'cpu'),
    core: toNumber(pick(raw, f.core), 'core'),
    cpuset: toNumber(pick(raw, f.cpuset), 'cpuset'),
    availableUpto: toNumber(pick(raw, f.availableUpto), 'available_upto'),
    drain: toYesNo(pick(raw, f.drain)),
    besteffort: toYesNo(pick(raw, f.besteffort)),
    type: toText(pick(raw, f.type), 'type'),
    properties: siteProperties(raw),
  };
  const defaults: Partial<Resource> = resourceDefaults(node);
  for (const [field, value] of Object.entries(optional) as [keyof typeof optional, unknown][]) {
    if (value !== undefined && value !== defaults[field])
      (resource as unknown as Record<string, unknown>)[field] = value;
  }
  return resource;
}

export function mapJobSummary(body: unknown): JobSummary {
  const raw = record(body, 'job');
  const f = JOB_FIELDS;
  return {
    id: requiredNumber(raw, f.id),
    name: toText(pick(raw, f.name), 'name') ?? null,
    user: requiredText(raw, f.user),
    queue: requiredText(raw, f.queue),
    state: requiredText(raw, f.state),
    submittedAt: toIso(pick(raw, f.submittedAt), 'submission_time') ?? '',
  };
}

/**
 * `exit_code` is the raw wait status oarexec saw (oarstat prints 768 as "768 (3,0,0)"):
 * the exit status is in the high byte, a killing signal in the low 7 bits.
 */
function decodeExitCode(value: unknown): { exitCode: number | null; exitSignal?: number } {
  const status = toNumber(value, 'exit_code');
  if (status === undefined) return { exitCode: null };
  const signal = status & 0x7f;
  return signal ? { exitCode: null, exitSignal: signal } : { exitCode: status >> 8 };
}

function mapEvent(body: unknown): JobEvent {
  const raw = record(body, 'event');
  return {
    type: requiredText(raw, ['type']),
    description: toText(raw.description, 'description') ?? '',
    date: toIso(raw.date, 'date') ?? '',
  };
}

/** OAR records an automatic resubmission only as an event of the old job: "Resubmiting job 7 => 8)". */
function resubmissionTarget(events: JobEvent[]): number | undefined {
  for (const event of events) {
    const match = /Resubmit+ing job \d+ => (\d+)/.exec(event.description);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/**
 * OAR marks each item of a job's `nodes` and `resources` with `status`: "assigned" (in use),
 * "scheduled" (only planned in the Gantt, for a job that has not started) or "reserved" (the slot of
 * an advance reservation not started yet: planned too). Bare names and ids (`assigned_network_address`,
 * `assigned_resources` of /jobs/table) are assigned ones.
 */
const PLANNED_STATUSES: readonly unknown[] = ['scheduled', 'reserved'];
function isPlanned(item: unknown): boolean {
  return typeof item === 'object' && item !== null && PLANNED_STATUSES.includes((item as OarRecord).status);
}

/** The items of one kind (planned or assigned), as their node names. */
function nodeNames(value: unknown, planned: boolean): string[] {
  const names = list(value, 'nodes')
    .filter((item) => isPlanned(item) === planned)
    .map((item) => (typeof item === 'string' ? item : requiredText(record(item, 'node'), ['network_address'])));
  return [...new Set(names)];
}

/** The items of one kind (planned or assigned), as their resource ids. */
function resourceIds(value: unknown, planned: boolean): number[] {
  return list(value, 'resources')
    .filter((item) => isPlanned(item) === planned)
    .map((item) =>
      typeof item === 'object' && item !== null
        ? requiredNumber(item as OarRecord, ['id'])
        : toNumber(item, 'resource id')!,
    );
}

/** Optional list fields are left out when empty (see Job.plannedNodes). */
function unlessEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

/** OAR writes "None" for a job that is not an advance reservation. */
function reservationOf(value: unknown): string | undefined {
  const text = toText(value, 'reservation');
  return text === 'None' ? undefined : text;
}

export function mapJob(body: unknown): Job {
  const raw = record(body, 'job');
  const f = JOB_FIELDS;
  const events = list(pick(raw, f.events), 'events').map(mapEvent);
  return {
    ...mapJobSummary(raw),
    command: toText(pick(raw, f.command), 'command') ?? '',
    startedAt: toIso(pick(raw, f.startedAt), 'start_time'),
    stoppedAt: toIso(pick(raw, f.stoppedAt), 'stop_time'),
    walltime: toNumber(pick(raw, f.walltime), 'walltime'),
    ...decodeExitCode(pick(raw, f.exitCode)),
    message: toText(pick(raw, f.message), 'message'),
    nodes: nodeNames(pick(raw, f.nodes), false),
    resourceIds: resourceIds(pick(raw, f.resourceIds), false),
    plannedNodes: unlessEmpty(nodeNames(pick(raw, f.plannedNodes), true)),
    plannedResourceIds: unlessEmpty(resourceIds(pick(raw, f.plannedResourceIds), true)),
    scheduledStart: toIso(pick(raw, f.scheduledStart), 'scheduled_start'),
    reservation: reservationOf(pick(raw, f.reservation)),
    dependencies: unlessEmpty(
      list(pick(raw, f.dependencies), 'dependencies').map((id) => toNumber(id, 'dependencies')!),
    ),
    types: list(pick(raw, f.types), 'types').map((t) => toText(t, 'types')!),
    project: toText(pick(raw, f.project), 'project'),
    properties: toText(pick(raw, f.properties), 'properties'),
    wantedResources: toText(pick(raw, f.wantedResources), 'wanted_resources'),
    directory: toText(pick(raw, f.directory), 'launching_directory'),
    stdoutFile: toText(pick(raw, f.stdoutFile), 'stdout_file'),
    stderrFile: toText(pick(raw, f.stderrFile), 'stderr_file'),
    events,
    resubmittedAs: resubmissionTarget(events),
    resubmittedFrom: toNumber(pick(raw, f.resubmittedFrom), 'resubmit_job_id') || undefined,
    arrayId: toNumber(pick(raw, f.arrayId), 'array_id'),
    arrayIndex: toNumber(pick(raw, f.arrayIndex), 'array_index'),
    initialRequest: toText(pick(raw, f.initialRequest), 'initial_request'),
  };
}

/** Items `{id, links}`: jobs of a resource or node, created resources. */
export function mapId(body: unknown): number {
  return requiredNumber(record(body, 'job'), ['id']);
}

/** Items of /jobs/<id>/nodes. */
export function mapNodeName(body: unknown): string {
  return requiredText(record(body, 'node'), ['network_address']);
}

export function mapVersion(body: unknown): OarVersion {
  const raw = record(body, 'version');
  return {
    oarVersion: requiredText(raw, ['oar_version']),
    apiVersion: requiredText(raw, ['api_version']),
    apilibVersion: requiredText(raw, ['apilib_version']),
    timezone: requiredText(raw, ['api_timezone']),
    serverTime: toIso(raw.api_timestamp, 'api_timestamp') ?? '',
  };
}

export function mapTimezone(body: unknown): OarTimezone {
  const raw = record(body, 'timezone');
  return { timezone: requiredText(raw, ['timezone']), serverTime: toIso(raw.api_timestamp, 'api_timestamp') ?? '' };
}

/** The login OAR sees, or null when anonymous (OAR answers ""). */
export function mapWhoami(body: unknown): string | null {
  return requiredText(record(body, 'whoami'), ['authenticated_user']) || null;
}

const SUBMIT_OPTIONS: Record<Exclude<keyof SubmitJobRequest, 'hold' | 'useJobKey'>, string> = {
  command: 'command',
  script: 'script',
  scriptPath: 'script_path',
  resources: 'resource',
  name: 'name',
  queue: 'queue',
  property: 'property',
  types: 'type',
  directory: 'directory',
  project: 'project',
  stdout: 'stdout',
  stderr: 'stderr',
  reservation: 'reservation',
  checkpoint: 'checkpoint',
  signal: 'signal',
  array: 'array',
  arrayParams: 'param_file',
  anterior: 'anterior',
  notify: 'notify',
};
/** oarapi.pl turns `key: ""` into a bare `--key`: the way to pass oarsub's switches. */
const SUBMIT_SWITCHES = { hold: 'hold', useJobKey: 'use-job-key' } as const;

/** The JSON body of POST /jobs: each key becomes `oarsub --key="value"` (arrays repeat it). */
export function toOarSubmitBody(request: SubmitJobRequest): OarRecord {
  const body: OarRecord = {};
  for (const [key, option] of Object.entries(SUBMIT_OPTIONS)) {
    const value = request[key as keyof typeof SUBMIT_OPTIONS];
    if (value !== undefined) body[option] = Array.isArray(value) ? value.map(String) : String(value);
  }
  for (const [key, option] of Object.entries(SUBMIT_SWITCHES)) {
    if (request[key as keyof typeof SUBMIT_SWITCHES]) body[option] = '';
  }
  return body;
}

export function mapSubmitted(body: unknown): SubmittedJob {
  const raw = record(body, 'submit response');
  return { id: requiredNumber(raw, ['id']), cmdOutput: toText(raw.cmd_output, 'cmd_output') ?? '' };
}

export function mapAcknowledgement(body: unknown): OarAcknowledgement {
  const raw = record(body, 'response');
  return {
    id: requiredNumber(raw, ['id']),
    status: requiredText(raw, ['status']),
    output: toText(pick(raw, ['cmd_output', 'oardel_output']), 'cmd_output'),
  };
}

/** DELETE /resources/<id> answers `{status: "deleted"}`. */
export function mapDeletionStatus(body: unknown): string {
  return requiredText(record(body, 'delete response'), ['status']);
}

export function toOarResourceRow(row: NewResource): OarRecord {
  return {
    ...row.properties,
    network_address: row.node,
    host: row.host ?? row.node,
    ...(row.cpu !== undefined && { cpu: row.cpu }),
    ...(row.core !== undefined && { core: row.core }),
    ...(row.cpuset !== undefined && { cpuset: row.cpuset }),
  };
}

export function toOarState(state: SettableResourceState): OarRecord {
  return { state };
}

/** OAR's error body `{code, title, message}`; Apache's own pages (HTML 401 …) give their title and text. */
export function parseErrorBody(text: string, status: number): { title: string; message: string } {
  try {
    const raw = record(JSON.parse(text), 'error');
    const title = toText(raw.title, 'title');
    // OAR's SQL failures carry a list of lines.
    const lines = Array.isArray(raw.message) && raw.message.every((line) => typeof line === 'string');
    const message = toText(lines ? (raw.message as string[]).join('\n') : raw.message, 'message');
    if (title !== undefined || message !== undefined) return { title: title ?? '', message: message ?? title ?? '' };
  } catch {
    // not OAR's JSON: Apache or a proxy answered; read it as HTML or text below
  }
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const paragraphs = [...text.matchAll(/<p>([\s\S]*?)<\/p>/gi)].map((m) => stripTags(m[1]));
  const plain = stripTags(text);
  return {
    title: title ?? `HTTP ${status}`,
    message: paragraphs.join(' ') || plain.slice(0, 500) || title || `HTTP ${status}`,
  };
}

function stripTags(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
