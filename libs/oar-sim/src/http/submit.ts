/**
 * POST /jobs: oarapi.pl's check_job and its oarsub command line, turned into a SubmitSpec.
 * Options keep the order they were posted in (OAR's own order is Perl hash order, i.e. random).
 */
import { randomBytes } from 'node:crypto';
import type { SubmitSpec } from '../oarsub';
import { OarHttpError } from './errors';

/** oarsub long options the API passes through (`resources` is an alias of `resource`). */
const OARSUB_OPTIONS = new Set([
  'resource',
  'name',
  'property',
  'queue',
  'type',
  'directory',
  'project',
  'stdout',
  'stderr',
  'hold',
  'reservation',
  'checkpoint',
  'signal',
  'notify',
  'anterior',
  'array',
  'array-param-file',
  'resubmit',
  'use-job-key',
  'scanscript',
  'stagein',
  'stagein-md5sum',
  'connect',
  'import-job-key-from-file',
  'import-job-key-inline',
  'export-job-key-to-file',
]);
const TOGGLES = new Set(['use-job-key', 'scanscript', 'hold']);
const IGNORED = new Set(['dumper', 'xml', 'yaml', 'json', 'help', 'version']);

export interface Submission {
  spec: SubmitSpec;
  /** The command line as oarapi.pl quotes it in error messages. */
  oarcmd: string;
  /** Set when an option oarsub does not know was posted. */
  unknownOption?: string;
}

export function readSubmission(posted: Record<string, unknown>, owner: string): Submission {
  const job: Record<string, unknown> = { ...posted };
  if (!truthy(job.reservation) && !truthy(job.script) && !truthy(job.script_path) && !truthy(job.command))
    throw new OarHttpError(
      400,
      'Missing Required Field',
      'A job must have a script, a command (script_path) or must be a reservation!',
    );
  for (const [key, value] of Object.entries(job)) {
    if (value === undefined || value === null || value === '') delete job[key];
    if (IGNORED.has(key)) delete job[key];
  }
  for (const toggle of TOGGLES) {
    if (!(toggle in job)) continue;
    if (String(job[toggle]) === '0' || job[toggle] === false) delete job[toggle];
    else job[toggle] = '';
  }
  if (truthy(job.interactive))
    throw new OarHttpError(400, 'The API cannot manage interactive jobs', 'The API cannot manage interactive jobs');

  const quoted: string[] = [];
  const plain: string[] = [];
  let command = '';
  let script: string | undefined;
  let directory: string | undefined;
  let unknownOption: string | undefined;
  const values: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(job)) {
    if (key === 'command' || key === 'script_path') command = String(value);
    else if (key === 'script') script = String(value);
    else if (key === 'workdir') directory = String(value);
    else {
      const option = key === 'resources' ? 'resource' : key;
      if (!OARSUB_OPTIONS.has(option)) unknownOption ??= option;
      const list = Array.isArray(value) ? value.map(String) : [String(value)];
      values[option] = [...(values[option] ?? []), ...list];
      for (const item of list) {
        quoted.push(
          key === 'resources' ? ` --resource=${item}` : item === '' ? ` --${option}` : ` --${option}="${item}"`,
        );
        plain.push(item === '' ? ` --${option}` : ` --${option}=${item}`);
      }
    }
  }
  if (script !== undefined) command = `./oarapi.subscript.${randomName()}`;
  const oarcmd = `oarsub ${quoted.join('')}${script === undefined ? ` "${command}"` : ''}`.replace(
    /(\\*)"/g,
    '$1$1\\"',
  );
  const first = (option: string) => values[option]?.[0];
  const spec: SubmitSpec = {
    owner,
    command,
    script,
    resource: first('resource'),
    name: first('name'),
    queue: first('queue'),
    property: first('property'),
    types: values.type ?? [],
    directory: first('directory') ?? directory,
    project: first('project'),
    stdout: first('stdout'),
    stderr: first('stderr'),
    hold: 'hold' in values,
    dependencies: (values.anterior ?? []).map(Number).filter(Number.isInteger),
    reservation: first('reservation'),
    initialRequest: `oarsub${plain.join('')} ${command}`,
  };
  return {
    spec,
    oarcmd: script === undefined ? oarcmd : `${oarcmd} ${command}`,
    unknownOption,
  };
}

function truthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && value !== false && value !== 0 && value !== '0';
}

function randomName(): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(5), (b) => letters[b % letters.length]).join('');
}
