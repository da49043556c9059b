import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { MAX_SCRIPT_BYTES, SCRIPT_TOO_LARGE } from './submit-request';

/** Multipart limits (registered with @fastify/multipart): one `script` file, a few short fields. */
export const UPLOAD_LIMITS = { fileSize: MAX_SCRIPT_BYTES, files: 1, fields: 20, fieldSize: 8 * 1024, parts: 21 };

/** What @fastify/multipart reports when a limit is reached, said in terms of the submit form. */
const LIMIT_MESSAGES: Record<string, string> = {
  FST_REQ_FILE_TOO_LARGE: SCRIPT_TOO_LARGE,
  FST_FILES_LIMIT: 'script: only one file may be sent',
  FST_FIELDS_LIMIT: `too many fields (${UPLOAD_LIMITS.fields} at most)`,
  FST_PARTS_LIMIT: `too many parts (${UPLOAD_LIMITS.parts} at most)`,
  FST_PROTO_VIOLATION: 'a field name is not allowed (__proto__, constructor)',
};

export interface SubmitForm {
  fields: Record<string, string>;
  script?: { fileName: string; bytes: Buffer };
}

/** Reads a multipart submit: its text fields and its `script` file; every refusal names the part at fault. */
export async function readSubmitForm(request: FastifyRequest): Promise<SubmitForm> {
  const form: SubmitForm = { fields: {} };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'script') {
          part.file.resume();
          throw new BadRequestException(`${part.fieldname}: unexpected file: only \`script\` may be a file`);
        }
        form.script = { fileName: part.filename, bytes: await part.toBuffer() };
      } else {
        if (part.valueTruncated)
          throw new BadRequestException(`${part.fieldname}: value longer than ${UPLOAD_LIMITS.fieldSize} bytes`);
        form.fields[part.fieldname] = String(part.value);
      }
    }
  } catch (err) {
    if (err instanceof BadRequestException) throw err;
    const code = (err as { code?: string }).code ?? '';
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new PayloadTooLargeException(LIMIT_MESSAGES[code]);
    if (LIMIT_MESSAGES[code]) throw new BadRequestException(LIMIT_MESSAGES[code]);
    throw new BadRequestException(`script: the multipart body could not be read (${(err as Error).message})`);
  }
  return form;
}
