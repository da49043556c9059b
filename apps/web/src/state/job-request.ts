import { formatHms } from '@oar-live/shared';

/** What the submit form collects; turned into the API body and into the equivalent `oarsub` line. */
export interface JobRequest {
  mode: 'command' | 'script';
  command: string;
  scriptName?: string;
  scriptText?: string;
  nodes: number;
  coresPerNode: number;
  /** Raw OAR resource expression; when set it replaces the nodes/cores builder. */
  resourcesText: string;
  walltime: string;
  name: string;
  queue: string;
  properties: string;
  types: string;
}

/** The API refuses larger scripts (413); checked here first so the user learns before uploading. */
export const MAX_SCRIPT_BYTES = 256 * 1024;

export function emptyJobRequest(): JobRequest {
  return {
    mode: 'command',
    command: '',
    nodes: 1,
    coresPerNode: 1,
    resourcesText: '',
    walltime: '00:10:00',
    name: '',
    queue: '',
    properties: '',
    types: '',
  };
}

export function resourceExpression(req: JobRequest): string {
  return req.resourcesText.trim() || `/nodes=${req.nodes}/core=${req.coresPerNode}`;
}

export function typeList(req: JobRequest): string[] {
  return req.types
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Field name → what is wrong with it. Empty when the request may be sent. */
export function validateJobRequest(req: JobRequest): Record<string, string> {
  const errors: Record<string, string> = {};
  if (req.mode === 'command' && !req.command.trim()) errors.command = 'Enter a command to run.';
  if (req.mode === 'script') {
    if (!req.scriptText) errors.script = 'Choose or drop a script file.';
    else if (new TextEncoder().encode(req.scriptText).length > MAX_SCRIPT_BYTES)
      errors.script = 'The script is larger than 256 KiB.';
  }
  if (req.resourcesText.trim()) {
    if (!/^[\w/=+{}'"<>!.,:()\- ]+$/.test(req.resourcesText.trim()))
      errors.resourcesText = 'Use OAR syntax, e.g. /nodes=2/core=4.';
  } else {
    if (!Number.isInteger(req.nodes) || req.nodes < 1) errors.nodes = 'Nodes must be a whole number ≥ 1.';
    if (!Number.isInteger(req.coresPerNode) || req.coresPerNode < 1)
      errors.coresPerNode = 'Cores per node must be a whole number ≥ 1.';
  }
  if (req.walltime && walltimeSeconds(req.walltime) === undefined)
    errors.walltime = 'Walltime is hours:minutes[:seconds], e.g. 01:30:00.';
  if (req.name && !/^[\w.-]{1,60}$/.test(req.name)) errors.name = 'Name: letters, digits, . _ - only (≤ 60).';
  if (req.queue && !/^\w+$/.test(req.queue)) errors.queue = 'Queue: letters, digits and _ only.';
  if (typeList(req).some((t) => !/^[\w=:.-]{1,64}$/.test(t))) errors.types = 'Types: words separated by commas.';
  return errors;
}

/** "H:MM[:SS]" → seconds, or undefined when it is not a walltime. */
export function walltimeSeconds(text: string): number | undefined {
  const match = /^(\d+):([0-5]?\d)(?::([0-5]?\d))?$/.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3] ?? 0);
  return seconds > 0 ? seconds : undefined;
}

export function formatDuration(seconds: number | undefined): string {
  return seconds === undefined ? '' : formatHms(seconds);
}

/** The JSON body for POST /api/jobs (design §4), without the script file. */
export function jobRequestBody(req: JobRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { resources: resourceExpression(req) };
  if (req.mode === 'command') body.command = req.command.trim();
  if (req.walltime) body.walltime = req.walltime.trim();
  if (req.name) body.name = req.name;
  if (req.queue) body.queue = req.queue;
  if (req.properties.trim()) body.properties = req.properties.trim();
  const types = typeList(req);
  if (types.length) body.types = types;
  return body;
}

const shellQuote = (s: string) => (/^[\w./=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command line a user would type for the same job. */
export function oarsubEquivalent(req: JobRequest): string {
  const resource = resourceExpression(req) + (req.walltime ? `,walltime=${req.walltime.trim()}` : '');
  const parts = ['oarsub', '-l', shellQuote(resource)];
  if (req.name) parts.push('-n', shellQuote(req.name));
  if (req.queue) parts.push('-q', shellQuote(req.queue));
  if (req.properties.trim()) parts.push('-p', shellQuote(req.properties.trim()));
  for (const t of typeList(req)) parts.push('-t', shellQuote(t));
  if (req.mode === 'script') parts.push('-S', shellQuote(`./${req.scriptName ?? 'script.sh'}`));
  else parts.push(shellQuote(req.command.trim() || '<command>'));
  return parts.join(' ');
}
