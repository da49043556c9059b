import { formatHms } from './duration';
/**
 * The rules of a job submit, once for the browser (form checks, `oarsub` preview) and the API (what
 * it accepts and sends to OAR). Plain functions, no Node APIs: the web bundle imports this file.
 */

/** Uploaded or inline scripts larger than this are refused (413). */
export const MAX_SCRIPT_BYTES = 256 * 1024;
/** The refusal of a script over MAX_SCRIPT_BYTES, inline or uploaded. */
export const SCRIPT_TOO_LARGE = `script: larger than ${MAX_SCRIPT_BYTES} bytes`;

/** A submit's fields as text, as given (trimmed); `types` as a list. Absent means "not set": OAR's default. */
export interface SubmitFields {
  command?: string;
  resources?: string;
  walltime?: string;
  name?: string;
  queue?: string;
  properties?: string;
  types?: string[];
  directory?: string;
  project?: string;
}
export type SubmitField = keyof SubmitFields;
/** Field (or `script`) → what is wrong with it. Empty when the submit may be sent. */
export type SubmitProblems = Partial<Record<SubmitField | 'script', string>>;

/**
 * oarsub's `-l` grammar without the walltime: `+`-separated groups of `/level=count` (count a
 * positive integer, ALL or BEST), each group optionally led by a `{SQL filter}`.
 */
const RESOURCE_GROUP = String.raw`(?:\{[^{}\n]{1,512}\})?\/?\w+=(?:[1-9]\d{0,5}|ALL|BEST)(?:\/\w+=(?:[1-9]\d{0,5}|ALL|BEST))*`;
const RESOURCE_REQUEST = new RegExp(`^${RESOURCE_GROUP}(?:\\+${RESOURCE_GROUP})*$`);
/** HH:MM:SS (hours unbounded), HH:MM, or plain seconds. */
const WALLTIME = /^(?:(\d{1,4}):([0-5]?\d)(?::([0-5]?\d))?|(\d{1,7}))$/;
const WALLTIME_IN_RESOURCES = /,?walltime=[^,]*$/;

/**
 * C0 control characters other than tab and newline, DEL, and C1 controls (U+0080–U+009F): never
 * meaningful in a command, and some terminals act on them.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHAR = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
/**
 * Bidirectional overrides, embeddings and isolates (and the marks): they make a command display
 * differently from what the shell runs ("Trojan Source").
 */
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Refuses control and bidi characters, naming the first one found by its code point. */
function controlCharProblem(text: string): string | undefined {
  const control = CONTROL_CHAR.exec(text)?.[0];
  if (control !== undefined) return `must not contain control characters (found ${codePoint(control)})`;
  const bidi = BIDI_CONTROL.exec(text)?.[0];
  if (bidi !== undefined)
    return `must not contain bidirectional text controls, which hide what runs (found ${codePoint(bidi)})`;
  return undefined;
}

/** Seconds of a walltime (`HH:MM:SS`, `HH:MM` or seconds), or undefined when it is not one or is 0. */
export function walltimeSeconds(text: string): number | undefined {
  const match = WALLTIME.exec(text.trim());
  if (!match) return undefined;
  const seconds =
    match[4] !== undefined ? Number(match[4]) : Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3] ?? 0);
  return seconds > 0 ? seconds : undefined;
}

const textRule =
  (max: number, pattern?: { test: RegExp; message: string }) =>
  (text: string): string | undefined => {
    if (text === '') return 'must not be empty';
    if (text.length > max) return `is too long (${max} characters at most)`;
    const control = controlCharProblem(text);
    if (control) return control;
    if (pattern && !pattern.test.test(text)) return pattern.message;
    return undefined;
  };

/** What is wrong with one field's value (already trimmed), or undefined. */
export const SUBMIT_RULES: { [K in SubmitField]-?: (value: NonNullable<SubmitFields[K]>) => string | undefined } = {
  command: textRule(4096),
  resources: (text) => {
    const tooLong = textRule(2048)(text);
    if (tooLong) return tooLong;
    if (!RESOURCE_REQUEST.test(text.replace(WALLTIME_IN_RESOURCES, '')))
      return 'must be an oarsub -l resource request such as /nodes=1/core=2 (levels level=N|ALL|BEST, groups joined by +)';
    const walltime = /,walltime=([^,]*)$/.exec(text)?.[1];
    if (walltime !== undefined && walltimeSeconds(walltime) === undefined)
      return 'has a walltime that is not HH:MM:SS, HH:MM or seconds';
    return undefined;
  },
  walltime: (text) =>
    walltimeSeconds(text) === undefined ? 'must be HH:MM:SS, HH:MM or a number of seconds (more than 0)' : undefined,
  name: textRule(60, { test: /^[\w.-]{1,60}$/, message: 'must be 1 to 60 letters, digits, ".", "-" or "_"' }),
  queue: textRule(32, { test: /^\w{1,32}$/, message: 'must be a queue name (letters, digits, _)' }),
  properties: textRule(1024),
  types: (list) => {
    if (list.length > 16) return 'has more than 16 types';
    if (!list.every((type) => /^[\w=:.-]{1,64}$/.test(type)))
      return 'each type must be 1 to 64 of letters, digits, "=", ":", ".", "-", "_"';
    return undefined;
  },
  directory: (text) => {
    if (!/^\/[\w./-]{0,255}$/.test(text)) return 'must be an absolute path of letters, digits, ".", "-", "_" and "/"';
    if (text.split('/').includes('..')) return 'must not contain ".."';
    return undefined;
  },
  project: textRule(64, { test: /^[\w.-]{1,64}$/, message: 'must be 1 to 64 letters, digits, ".", "-" or "_"' }),
};

/** What is wrong with a script's text (empty, too large), or undefined. */
export function scriptProblem(text: string): string | undefined {
  if (new TextEncoder().encode(text).length > MAX_SCRIPT_BYTES) return SCRIPT_TOO_LARGE.replace(/^script: /, '');
  if (text === '') return 'is empty';
  return undefined;
}

/** Every field at fault in `fields` (the command/script choice included when `script` is given or not). */
export function submitProblems(fields: SubmitFields, script?: string): SubmitProblems {
  const problems: SubmitProblems = {};
  for (const key of Object.keys(fields) as SubmitField[]) {
    const value = fields[key];
    if (value === undefined) continue;
    const problem = (SUBMIT_RULES[key] as (v: typeof value) => string | undefined)(value);
    if (problem) problems[key] = problem;
  }
  if (fields.command !== undefined && script !== undefined)
    problems.command = 'give either a command or a script, not both';
  else if (fields.command === undefined && script === undefined) problems.command = 'is required (or upload a script)';
  const badScript = script === undefined ? undefined : scriptProblem(script);
  if (badScript) problems.script = badScript;
  return problems;
}

const DIRECTIVE_FIELDS: Record<string, Exclude<SubmitField, 'command' | 'walltime' | 'directory'>> = {
  '-l': 'resources',
  '--resource': 'resources',
  '-n': 'name',
  '--name': 'name',
  '-q': 'queue',
  '--queue': 'queue',
  '-t': 'types',
  '--type': 'types',
  '-p': 'properties',
  '--property': 'properties',
  '--project': 'project',
};

/** `#OAR -l /nodes=1,walltime=1:00:00`, `#OAR --name=x`, `#OAR -p "gpu='YES'"` … (as oarsub -S reads them). */
export function directivesOf(script: string): SubmitFields {
  const found: SubmitFields = {};
  for (const line of script.split('\n')) {
    const match = /^#OAR\s+(--?[\w-]+)(?:=|\s+)(.+?)\s*$/.exec(line);
    const field = match && DIRECTIVE_FIELDS[match[1]];
    if (!field) continue;
    const value = unquote(match[2]);
    if (field === 'types') found.types = [...(found.types ?? []), value];
    else found[field] = value;
  }
  return found;
}

function unquote(text: string): string {
  const quoted = /^(['"])(.*)\1$/.exec(text);
  return quoted ? quoted[2] : text;
}

/**
 * The submit that reaches OAR: the fields given, with the script's `#OAR` directives for those not
 * given. A bad directive is reported on `script`, naming the directive's field.
 */
export function effectiveSubmit(
  given: SubmitFields,
  script?: string,
): { fields: SubmitFields; problems: SubmitProblems } {
  const problems = submitProblems(given, script);
  if (script === undefined) return { fields: given, problems };
  const directives = directivesOf(script);
  const fields: SubmitFields = { ...directives, ...withoutUndefined(given) };
  const fromScript = submitProblems(directives, script);
  const bad = (Object.keys(directives) as SubmitField[]).find((key) => fromScript[key] && given[key] === undefined);
  if (bad && !problems.script) problems.script = `#OAR directive for ${bad}: ${fromScript[bad]}`;
  return { fields, problems };
}

/** The `-l` text: the walltime field (as HH:MM:SS) replaces any walltime written in the resources. */
export function resourcesWithWalltime(fields: Pick<SubmitFields, 'resources' | 'walltime'>): string | undefined {
  if (fields.walltime === undefined) return fields.resources;
  const base = (fields.resources ?? '').replace(WALLTIME_IN_RESOURCES, '');
  return `${base}${base ? ',' : ''}walltime=${formatHms(walltimeSeconds(fields.walltime) ?? 0)}`;
}

/** POSIX shell quoting: bare when safe, otherwise single quotes. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The same job typed at a shell: `oarsub …` (`-S ./<file>` for a script). */
export function oarsubLine(fields: SubmitFields, scriptFileName?: string): string {
  const args: string[] = ['oarsub'];
  const option = (flag: string, value: string | undefined) => value !== undefined && args.push(flag, shellQuote(value));
  option('-l', resourcesWithWalltime(fields));
  option('-n', fields.name);
  option('-q', fields.queue);
  option('-p', fields.properties);
  for (const type of fields.types ?? []) option('-t', type);
  option('--project', fields.project);
  option('-d', fields.directory);
  if (scriptFileName !== undefined) args.push('-S', shellQuote(`./${scriptFileName.replace(/^.*[\\/]/, '')}`));
  else args.push(shellQuote(fields.command ?? ''));
  return args.join(' ');
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
