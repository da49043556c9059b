import {
  BadRequestException,
  Injectable,
  PayloadTooLargeException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import multer from 'multer';
import type { Observable } from 'rxjs';
import { MAX_SCRIPT_BYTES } from './submit-request';

/**
 * multer for POST /api/jobs as multipart/form-data: one `script` file in memory, bounded sizes.
 * Written instead of Nest's FileInterceptor so every multer error names the field at fault.
 */
const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_SCRIPT_BYTES, files: 1, fields: 20, fieldSize: 8 * 1024, parts: 21 },
}).single('script');

const MESSAGES: Record<string, string> = {
  LIMIT_FILE_SIZE: `larger than ${MAX_SCRIPT_BYTES} bytes`,
  LIMIT_FILE_COUNT: 'only one file may be sent',
  LIMIT_UNEXPECTED_FILE: 'unexpected file: only `script` may be a file',
  LIMIT_FIELD_VALUE: 'value longer than 8192 bytes',
  LIMIT_FIELD_COUNT: 'too many fields',
  LIMIT_PART_COUNT: 'too many parts',
  LIMIT_FIELD_KEY: 'field name too long',
};

@Injectable()
export class ScriptUploadInterceptor implements NestInterceptor {
  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    await new Promise<void>((resolve, reject) =>
      upload(http.getRequest<Request>(), http.getResponse<Response>(), (err: unknown) => {
        if (!err) return resolve();
        if (err instanceof multer.MulterError) {
          const message = `${err.field ?? 'script'}: ${MESSAGES[err.code] ?? err.message}`;
          return reject(
            err.code === 'LIMIT_FILE_SIZE' ? new PayloadTooLargeException(message) : new BadRequestException(message),
          );
        }
        reject(new BadRequestException(`script: the multipart body could not be read (${(err as Error).message})`));
      }),
    );
    return next.handle();
  }
}
