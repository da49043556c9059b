import type { SubmitJobRequest } from '@oar-live/oar-client';
import {
  effectiveSubmit,
  MAX_SCRIPT_BYTES,
  oarsubLine,
  resourcesWithWalltime,
  SCRIPT_TOO_LARGE,
  SUBMIT_RULES,
  type SubmitField,
  type SubmitFields,
} from '@oar-live/shared';
import { z } from 'zod';
import { describeZodError } from '../common/zod-validation.pipe';

export { MAX_SCRIPT_BYTES, SCRIPT_TOO_LARGE };

/** A field checked by its shared rule (libs/shared submit-rules), the rule's words as the message. */
function ruled<K extends SubmitField, S extends z.ZodType<NonNullable<SubmitFields[K]>>>(key: K, schema: S) {
  return schema
    .superRefine((value, ctx) => {
      const problem = (SUBMIT_RULES[key] as (v: unknown) => string | undefined)(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional();
}

const text = () => z.string().trim();

/** Every field a submit may carry; anything else is refused (strict). Multipart fields arrive as strings. */
export const submitSchema = z
  .object({
    command: ruled('command', text()),
    script: z.string().optional(),
    resources: ruled('resources', text()),
    walltime: ruled(
      'walltime',
      z.union([z.number(), z.string()]).transform((value) => String(value).trim()),
    ),
    name: ruled('name', text()),
    queue: ruled('queue', text()),
    properties: ruled('properties', text()),
    types: ruled(
      'types',
      z
        .union([z.array(z.string()), z.string()])
        .transform((value) =>
          (Array.isArray(value) ? value : value.split(',')).map((v) => v.trim()).filter((v) => v !== ''),
        ),
    ),
    directory: ruled('directory', text()),
    project: ruled('project', text()),
  })
  .strict();

/** A validated submit: what goes to OAR and what it is equivalent to. */
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
  const { script, ...given } = parsed.data;
  const { fields, problems } = effectiveSubmit(given, script);
  const [field, problem] = Object.entries(problems)[0] ?? [];
  if (field !== undefined) throw new SubmitValidationError(`${field}: ${problem}`);
  const request: SubmitJobRequest = withoutUndefined({
    command: fields.command,
    script,
    resources: resourcesWithWalltime(fields),
    name: fields.name,
    queue: fields.queue,
    property: fields.properties,
    types: fields.types?.length ? fields.types : undefined,
    directory: fields.directory,
    project: fields.project,
  });
  const shown = { ...fields, types: request.types };
  return { request, oarsub: oarsubLine(shown, script === undefined ? undefined : scriptFileName) };
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

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
