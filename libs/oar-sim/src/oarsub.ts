/**
 * oarsub as the API runs it: the admission rules (queue, besteffort, default walltime), the check
 * that the request fits the cluster, and the new job row with OAR's derived columns.
 */
import type { Cluster } from './cluster';
import { ADMINS } from './cluster';
import { interpretCommand } from './command';
import type { NodeIndex } from './node-index';
import { place } from './placement';
import { compileProperty } from './properties';
import type { JobRow, ResourceRow } from './records';
import type { ResourceRequest } from './resource-request';
import { formatWalltime, parseResourceRequest, RequestError, requestedCount } from './resource-request';

/** Queues and their priorities. */
export const QUEUES: Record<string, number> = { admin: 10, default: 2, besteffort: 0 };

export interface SubmitSpec {
  owner: string;
  /** Command line, or the script file name for a script job. */
  command: string;
  /** Script text (decides the simulated run time when given). */
  script?: string;
  resource?: string;
  name?: string;
  queue?: string;
  property?: string;
  types?: string[];
  directory?: string;
  project?: string;
  stdout?: string;
  stderr?: string;
  hold?: boolean;
  /** `--anterior`: jobs that must end first. */
  dependencies?: number[];
  /** `--reservation`: the start date as given ("2027-03-25 17:32:12", the server's time zone, UTC). */
  reservation?: string;
  initialRequest: string;
}

/** oarsub: the new job (added to the cluster) and oarsub's output (admission rules, OAR_JOB_ID=…). */
export function oarsub(
  cluster: Cluster,
  nodes: NodeIndex,
  spec: SubmitSpec,
  defaultRunSeconds: number,
): { job: JobRow; output: string } {
  const queue = spec.queue ?? 'default';
  const request = parseResourceRequest(spec.resource);
  const reservationStart = spec.reservation === undefined ? undefined : parseReservationDate(spec.reservation);
  if (queue === 'admin' && !ADMINS.has(spec.owner))
    throw new RequestError(
      254,
      '[ADMISSION RULE] Only member of the group admin can submit jobs in the admin queue\n\n',
    );
  const besteffort = queue === 'besteffort' || (spec.types ?? []).includes('besteffort');
  const admission = admissionRules(request, besteffort);
  if (!(queue in QUEUES)) throw new RequestError(248, `${admission}ERROR : The queue ${queue} does not exist\n`);
  const types = besteffort ? [...new Set([...(spec.types ?? []), 'besteffort'])] : (spec.types ?? []);
  const refused = (err: unknown) =>
    err instanceof RequestError && err.status === 8
      ? new RequestError(
          8,
          `${admission}${err.message}\nOAR_JOB_ID=-5\n[ERROR] Oarsub failed, please verify your request syntax.\n`,
        )
      : err;
  let user: ((r: ResourceRow) => boolean) | undefined;
  try {
    user = spec.property ? compileProperty(spec.property) : undefined;
  } catch (err) {
    throw refused(err);
  }
  const matches = (r: ResourceRow) =>
    r.type === 'default' &&
    r.desktop_computing === 'NO' &&
    r.drain === 'NO' &&
    (!besteffort || r.besteffort === 'YES') &&
    (!user || user(r));
  const counts = nodes.schedulable();
  if (
    !place({
      groups: request.groups,
      resources: cluster.resources,
      usable: (r) => r.state !== 'Dead',
      matches,
      nodes: { members: nodes.layout().members, usableCount: (i) => counts[i] },
    })
  )
    throw refused(new RequestError(8, 'There are not enough resources for your request'));

  const conditions = [spec.property && `(${spec.property})`, besteffort && "(besteffort = 'YES')"].filter(Boolean);
  const id = cluster.allocateJobId();
  const name = spec.name ?? null;
  const outcome = interpretCommand(spec.script ?? spec.command, defaultRunSeconds);
  const output = (file: string | undefined, ext: string) =>
    (file ?? `OAR.${name === null ? '' : `${name}.`}%jobid%.${ext}`).replace(/%jobid%/g, String(id));
  const job: JobRow = {
    id,
    owner: spec.owner,
    name,
    queue,
    state: spec.hold ? 'Hold' : 'Waiting',
    command: spec.command,
    initialRequest: spec.initialRequest,
    launchingDirectory: spec.directory ?? `/home/${spec.owner}`,
    project: spec.project ?? 'default',
    types,
    properties: `(${[...conditions, "desktop_computing = 'NO'"].join(' AND ')}) AND drain='NO'`,
    matches,
    request,
    stdoutFile: output(spec.stdout, 'stdout'),
    stderrFile: output(spec.stderr, 'stderr'),
    submissionTime: cluster.clock.epoch(),
    startTime: reservationStart ?? 0,
    stopTime: 0,
    scheduledStart: null,
    reservation: reservationStart === undefined ? 'None' : 'toSchedule',
    dependencies: spec.dependencies ?? [],
    walltime: null,
    exitCode: null,
    message: jobMessage(request, name, types, reservationStart !== undefined),
    events: [],
    assigned: [],
    planned: [],
    runSeconds: outcome.seconds,
    exitStatus: outcome.status,
    fragged: false,
    course: 0,
    rev: 0,
  };
  cluster.addJob(job);
  return { job, output: `${admission}OAR_JOB_ID=${id}\n` };
}

/** The lines OAR 2.5.9's default admission rules print, in their order. */
function admissionRules(request: ResourceRequest, besteffort: boolean): string {
  const lines: string[] = [];
  if (besteffort)
    lines.push('Automatically add the besteffort type', 'Automatically add the besteffort constraint on the resources');
  if (!request.walltimeGiven) lines.push('Set default walltime to 7200.');
  lines.push('Modify resource description with type constraints');
  return lines.map((line) => `[ADMISSION RULE] ${line}\n`).join('');
}

/** OAR's message before the scheduler's additions; J= is the job kind (B batch, R reservation). */
export function jobMessage(
  request: ResourceRequest,
  name: string | null,
  types: string[],
  reservation = false,
): string {
  const parts = [
    `R=${requestedCount(request)}`,
    `W=${formatWalltime(request.walltime)}`,
    `J=${reservation ? 'R' : 'B'}`,
  ];
  if (name !== null) parts.push(`N=${name}`);
  if (types.length > 0) parts.push(`T=${types.join('|')}`);
  return parts.join(',');
}

/** oarsub's check of `-r`: a "YYYY-MM-DD hh:mm:ss" date (UTC, the sandbox's zone), else exit 7. */
function parseReservationDate(text: string): number {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{1,2}):(\d{1,2})\s*$/m.exec(text);
  if (!m)
    throw new RequestError(
      7,
      '[ERROR] Syntax error near the -r or --reservation option. The reservation date synstax is : "2027-03-25 17:32:12".\n',
    );
  const [year, month, day, hours, minutes, seconds] = m.slice(1).map(Number);
  return Date.UTC(year, month - 1, day, hours, minutes, seconds) / 1000;
}

/** A date as OAR prints it in messages (local_to_sql; the sandbox's zone is UTC). */
export function sqlDate(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
