import { effectiveSubmit, formatHms, MAX_SCRIPT_BYTES, oarsubLine, type SubmitFields } from '@oar-live/shared';

export { MAX_SCRIPT_BYTES };

/**
 * What the submit form collects, as typed: an empty field is "not set" and is not sent, so OAR's
 * defaults and the script's `#OAR` directives apply (the rules themselves are in libs/shared).
 */
export interface JobRequest {
  mode: 'command' | 'script';
  command: string;
  scriptName?: string;
  scriptText?: string;
  /** The nodes × cores builder, as typed ('' = not set). */
  nodes: string;
  coresPerNode: string;
  /** Raw OAR resource expression; when set it replaces the nodes/cores builder. */
  resourcesText: string;
  walltime: string;
  name: string;
  queue: string;
  properties: string;
  types: string;
}

export function emptyJobRequest(): JobRequest {
  return {
    mode: 'command',
    command: '',
    nodes: '',
    coresPerNode: '',
    resourcesText: '',
    walltime: '',
    name: '',
    queue: '',
    properties: '',
    types: '',
  };
}

const isCount = (text: string) => /^[1-9]\d{0,5}$/.test(text.trim());

/** The raw expression, else the builder's (`/nodes=N[/core=C]`), else nothing: OAR's default. */
function resourceExpression(req: JobRequest): string | undefined {
  const raw = req.resourcesText.trim();
  if (raw) return raw;
  const nodes = req.nodes.trim();
  const cores = req.coresPerNode.trim();
  if (!nodes && !cores) return undefined;
  return `/nodes=${nodes || '1'}${cores ? `/core=${cores}` : ''}`;
}

function typeList(req: JobRequest): string[] {
  return req.types
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Only the fields the user set (what the form sends). */
function givenFields(req: JobRequest): SubmitFields {
  const text = (value: string) => value.trim() || undefined;
  const types = typeList(req);
  const fields: SubmitFields = {
    command: req.mode === 'command' ? text(req.command) : undefined,
    resources: resourceExpression(req),
    walltime: text(req.walltime),
    name: text(req.name),
    queue: text(req.queue),
    properties: text(req.properties),
    types: types.length ? types : undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

const LABELS: Record<string, string> = {
  command: 'Command',
  script: 'Script',
  resources: 'Resources',
  walltime: 'Walltime',
  name: 'Name',
  queue: 'Queue',
  properties: 'Properties',
  types: 'Types',
};

/** Form field → what is wrong with it (the shared rules' words). Empty when the request may be sent. */
export function validateJobRequest(req: JobRequest): Record<string, string> {
  const errors: Record<string, string> = {};
  const script = req.mode === 'script' ? req.scriptText : undefined;
  if (req.mode === 'script' && script === undefined) errors.script = 'Choose or drop a script file.';
  if (!req.resourcesText.trim()) {
    if (req.nodes.trim() && !isCount(req.nodes)) errors.nodes = 'Nodes must be a whole number ≥ 1.';
    if (req.coresPerNode.trim() && !isCount(req.coresPerNode))
      errors.coresPerNode = 'Cores per node must be a whole number ≥ 1.';
  }
  const problems =
    req.mode === 'script' && script === undefined ? {} : effectiveSubmit(givenFields(req), script).problems;
  for (const [field, problem] of Object.entries(problems)) {
    const key = field === 'resources' ? (req.resourcesText.trim() ? 'resourcesText' : 'nodes') : field;
    errors[key] ??= `${LABELS[field] ?? field} ${problem}.`;
  }
  return errors;
}

export function formatDuration(seconds: number | undefined): string {
  return seconds === undefined ? '' : formatHms(seconds);
}

/** The JSON body for POST /api/jobs (design §4), without the script file: only what the user set. */
export function jobRequestBody(req: JobRequest): Record<string, unknown> {
  return { ...givenFields(req) };
}

/** The `#OAR` directives of the chosen script that apply (the fields the user did not set). */
export function scriptDirectives(req: JobRequest): SubmitFields {
  if (req.mode !== 'script' || req.scriptText === undefined) return {};
  const given = givenFields(req);
  const { fields } = effectiveSubmit(given, req.scriptText);
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !(key in given)));
}

/** The command line a user would type for the same job (with the script's directives for fields not set). */
export function oarsubEquivalent(req: JobRequest): string {
  const given = givenFields(req);
  if (req.mode === 'script') {
    const { fields } = effectiveSubmit(given, req.scriptText ?? '');
    return oarsubLine(fields, req.scriptName ?? 'script.sh');
  }
  return oarsubLine({ ...given, command: given.command ?? '<command>' });
}
