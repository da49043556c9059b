import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import type { SubmitJobRequest } from '@oar-live/oar-client';
import { createHash } from 'node:crypto';
import type { SubmitForm } from './script-form';
import { checkScriptText, SCRIPT_TOO_LARGE, SubmitValidationError } from './submit-request';

/**
 * The steps of POST /api/jobs around validateSubmit, each testable without HTTP: merge the body (JSON,
 * or a multipart form's fields and `script` file) into one set of fields, describe the validated job as
 * the operation shows it, and turn a refusal into its HTTP answer.
 */

/** The submit's fields: a multipart form's, with its `script` file's text as `script`, else the JSON body's. */
export function submitFields(body: unknown, form: SubmitForm | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = form ? { ...form.fields } : { ...((body ?? {}) as Record<string, unknown>) };
  if (form?.script) {
    if (fields.script !== undefined)
      throw new SubmitValidationError('script: send it as a file or as a field, not both');
    fields.script = checkScriptText(form.script.bytes);
  }
  return fields;
}

/**
 * The operation's `input`: the request as sent to OAR, except the script, which is kept only as its
 * file name, size and SHA-256 (a script may hold secrets; operations are stored and listed).
 */
export function submitInput(request: SubmitJobRequest, oarsub: string, fileName: string | undefined): object {
  const { script, ...shown } = request;
  return {
    ...shown,
    ...(script !== undefined && {
      script: {
        fileName: fileName ?? null,
        bytes: Buffer.byteLength(script),
        sha256: createHash('sha256').update(script).digest('hex'),
      },
    }),
    oarsub,
  };
}

/** A refused submit as its HTTP answer (413 for a script over the limit, else 400); any other error unchanged. */
export function submitHttpError(err: unknown): unknown {
  if (!(err instanceof SubmitValidationError)) return err;
  if (err.message === SCRIPT_TOO_LARGE) return new PayloadTooLargeException(err.message);
  return new BadRequestException(err.message);
}
