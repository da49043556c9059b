import type { SubmitJobRequest } from '@oar-live/oar-client';
import { z } from 'zod';
import { describeZodError } from './zod-validation.pipe';

/** Uploaded or inline scripts larger than this are refused (413). */
export const MAX_SCRIPT_BYTES = 256 * 1024;
/** The refusal of a script over MAX_SCRIPT_BYTES, inline or uploaded. */
export const SCRIPT_TOO_LARGE = `script: larger than ${MAX_SCRIPT_BYTES} bytes`;

/**
 * oarsub's `-l` grammar without the walltime: `+`-separated groups of `/level=count` (count a
 * positive integer, ALL or BEST), each group optionally led by a `{SQL filter}`.
 */
const RESOURCE_GROUP = String.raw`(?:\{[^{}\n]{1,512}\})?\/?\w+=(?:[1-9]\d{0,5}|ALL|BEST)(?:\/\w+=(?:[1-9]\d{0,5}|ALL|BEST))*`;
const RESOURCE_REQUEST = new RegExp(`^${RESOURCE_GROUP}(?:\\+${RESOURCE_GROUP})*$`);
/** HH:MM:SS (hours unbounded), HH:MM, or plain seconds. */
const WALLTIME = /^(?:(\d{1,4}):([0-5]?\d)(?::([0-5]?\d))?|(\d{1,7}))$/;

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

/** Refuses control and bidi characters, naming the first one found by its code point. */
const plainText = <T extends z.ZodType<string>>(schema: T) =>
  schema.superRefine((text, ctx) => {
    const control = CONTROL_CHAR.exec(text)?.[0];
    const bidi = BIDI_CONTROL.exec(text)?.[0];
    if (control !== undefined)
      ctx.addIssue({ code: 'custom', message: `must not contain control characters (found ${codePoint(control)})` });
    else if (bidi !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: `must not contain bidirectional text controls, which hide what runs (found ${codePoint(bidi)})`,
      });
  });

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

const resources = z
  .string()
  .trim()
  .max(2048, 'is too long (2048 characters at most)')
  .refine((text) => RESOURCE_REQUEST.test(text.replace(/,walltime=[^,]*$/, '')), {
    message:
      'must be an oarsub -l resource request such as /nodes=1/core=2 (levels level=N|ALL|BEST, groups joined by +)',
  })
  .refine((text) => !/,walltime=/.test(text) || WALLTIME.test(text.split(',walltime=')[1]), {
    message: 'has a walltime that is not HH:MM:SS, HH:MM or seconds',
  });

const walltime = z
  .union([z.number(), z.string()])
  .transform((value) => String(value).trim())
  .refine((text) => WALLTIME.test(text) && toSeconds(text) > 0, {
    message: 'must be HH:MM:SS, HH:MM or a number of seconds (more than 0)',
  });

const listOf = (item: z.ZodString) =>
  z
    .union([z.array(item), z.string()])
    .transform((value) =>
      (Array.isArray(value) ? value : value.split(',')).map((v) => v.trim()).filter((v) => v !== ''),
    );

/** Every field a submit may carry; anything else is refused (strict). Multipart fields arrive as strings. */
export const submitSchema = z
  .object({
    command: plainText(
      z.string().trim().min(1, 'must not be empty').max(4096, 'is too long (4096 characters at most)'),
    ).optional(),
    script: z.string().optional(),
    resources: resources.optional(),
    walltime: walltime.optional(),
    name: z
      .string()
      .trim()
      .regex(/^[\w.-]{1,60}$/, 'must be 1 to 60 letters, digits, ".", "-" or "_"')
      .optional(),
    queue: z
      .string()
      .trim()
      .regex(/^\w{1,32}$/, 'must be a queue name (letters, digits, _)')
      .optional(),
    properties: plainText(
      z.string().trim().min(1, 'must not be empty').max(1024, 'is too long (1024 characters at most)'),
    ).optional(),
    types: listOf(z.string())
      .refine((list) => list.length <= 16, 'has more than 16 types')
      .refine(
        (list) => list.every((t) => /^[\w=:.-]{1,64}$/.test(t)),
        'each type must be 1 to 64 of letters, digits, "=", ":", ".", "-", "_"',
      )
      .optional(),
    directory: z
      .string()
      .trim()
      .regex(/^\/[\w./-]{0,255}$/, 'must be an absolute path of letters, digits, ".", "-", "_" and "/"')
      .refine((path) => !path.split('/').includes('..'), 'must not contain ".."')
      .optional(),
    project: z
      .string()
      .trim()
      .regex(/^[\w.-]{1,64}$/, 'must be 1 to 64 letters, digits, ".", "-" or "_"')
      .optional(),
  })
  .strict();

export type SubmitInput = z.output<typeof submitSchema>;

/** A validated submit: what goes to OAR (minus the de-duplication marker) and what it is equivalent to. */
export interface ValidatedSubmit {
  request: SubmitJobRequest;
  /** The same job typed at a shell: `oarsub …`. */
  oarsub: string;
}

export class SubmitValidationError extends Error {
  override name = 'SubmitValidationError';
}

/**
 * Validates a submit, with the `#OAR` directives of its script as defaults for fields not given.
 * `scriptFileName` (for the oarsub line) is the uploaded file's name.
 */
export function validateSubmit(body: unknown, scriptFileName = 'script.sh'): ValidatedSubmit {
  const parsed = submitSchema.safeParse(body ?? {});
  if (!parsed.success) throw new SubmitValidationError(describeZodError(parsed.error));
  const given = parsed.data;
  if (given.command !== undefined && given.script !== undefined) {
    throw new SubmitValidationError('command: give either a command or a script, not both');
  }
  if (given.command === undefined && given.script === undefined) {
    throw new SubmitValidationError('command: is required (or upload a script)');
  }
  if (given.script !== undefined) checkScriptText(Buffer.from(given.script, 'utf8'));
  const fromScript = given.script === undefined ? {} : directivesOf(given.script);
  const input = Object.keys(fromScript).length === 0 ? given : withDirectives(given, fromScript);
  const resourceText = combineWalltime(input.resources, input.walltime);
  const request: SubmitJobRequest = withoutUndefined({
    command: input.command,
    script: input.script,
    resources: resourceText,
    name: input.name,
    queue: input.queue,
    property: input.properties,
    types: input.types?.length ? input.types : undefined,
    directory: input.directory,
    project: input.project,
  });
  return { request, oarsub: oarsubLine(request, scriptFileName) };
}

/** The fields given, with the script's `#OAR` directives for those not given, validated again. */
function withDirectives(given: SubmitInput, directives: ReturnType<typeof directivesOf>): SubmitInput {
  const final = submitSchema.safeParse({ ...directives, ...withoutUndefined(given) });
  if (!final.success) throw new SubmitValidationError(`#OAR directive in script: ${describeZodError(final.error)}`);
  return final.data;
}

/** Refuses anything but UTF-8 text (NUL bytes, invalid sequences) and oversize scripts, naming `script`. */
export function checkScriptText(bytes: Buffer): string {
  if (bytes.length > MAX_SCRIPT_BYTES) throw new SubmitValidationError(SCRIPT_TOO_LARGE);
  if (bytes.length === 0) throw new SubmitValidationError('script: is empty');
  if (bytes.includes(0)) throw new SubmitValidationError('script: must be a text file (it contains NUL bytes)');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SubmitValidationError('script: must be a text file in UTF-8 (it has invalid byte sequences)');
  }
}

const DIRECTIVE_FIELDS: Record<string, 'resources' | 'name' | 'queue' | 'types' | 'properties' | 'project'> = {
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
export function directivesOf(script: string): Partial<
  Record<'resources' | 'name' | 'queue' | 'properties' | 'project', string>
> & {
  types?: string[];
} {
  const found: Record<string, string> & { types?: string[] } = {};
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

/** One -l text: the walltime field (HH:MM:SS) replaces any walltime written in the request. */
function combineWalltime(resourceText: string | undefined, walltimeText: string | undefined): string | undefined {
  if (walltimeText === undefined) return resourceText;
  const base = (resourceText ?? '').replace(/,?walltime=[^,]*$/, '');
  return `${base}${base ? ',' : ''}walltime=${toHms(toSeconds(walltimeText))}`;
}

function toSeconds(text: string): number {
  const match = WALLTIME.exec(text)!;
  if (match[4] !== undefined) return Number(match[4]);
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3] ?? 0);
}

function toHms(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}

/** POSIX shell quoting: bare when safe, otherwise single quotes. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function oarsubLine(request: SubmitJobRequest, scriptFileName: string): string {
  const args: string[] = ['oarsub'];
  const option = (flag: string, value: string | undefined) => value !== undefined && args.push(flag, shellQuote(value));
  option('-l', typeof request.resources === 'string' ? request.resources : undefined);
  option('-n', request.name);
  option('-q', request.queue);
  option('-p', request.property);
  for (const type of request.types ?? []) option('-t', type);
  option('--project', request.project);
  option('-d', request.directory);
  if (request.script !== undefined) args.push('-S', shellQuote(`./${scriptFileName.replace(/^.*\//, '')}`));
  else args.push(shellQuote(request.command!));
  return args.join(' ');
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
