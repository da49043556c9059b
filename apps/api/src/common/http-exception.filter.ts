import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';

/** The one error body every HTTP error has (design §4). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/**
 * Errors raised by Express's body parsers before any controller runs (they carry `type` and
 * `status`); mapped to what the client did wrong instead of a 500.
 */
const BODY_PARSER_ERRORS: Record<string, (err: { limit?: number; message?: string }) => string> = {
  'entity.parse.failed': (err) => `malformed JSON in request body: ${err.message}`,
  'entity.too.large': (err) => `request body is larger than the limit of ${err.limit ?? '?'} bytes`,
  'encoding.unsupported': () => 'unsupported Content-Encoding of request body',
  'charset.unsupported': () => 'unsupported charset of request body',
  'request.aborted': () => 'request aborted by the client while sending the body',
  'request.size.invalid': () => 'request body size did not match Content-Length',
  'parameters.too.many': () => 'too many parameters in request body',
};

/**
 * Turns anything thrown while handling an HTTP request into `{statusCode, error, message}`.
 * (Nest never applies global filters to WebSocket gateways, so every host here is HTTP.)
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception);
    if (res.headersSent) return void res.end();
    res.status(body.statusCode).json(body);
  }
}

export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const message = Array.isArray(raw) ? raw.join('; ') : String(raw ?? exception.message);
    return { statusCode, error: reasonPhrase(statusCode), message };
  }
  const parserError = exception as { type?: string; status?: number; limit?: number; message?: string };
  const describe = parserError?.type ? BODY_PARSER_ERRORS[parserError.type] : undefined;
  if (describe && typeof parserError.status === 'number') {
    return { statusCode: parserError.status, error: reasonPhrase(parserError.status), message: describe(parserError) };
  }
  return { statusCode: 500, error: reasonPhrase(500), message: 'internal server error' };
}

function reasonPhrase(statusCode: number): string {
  const name = HttpStatus[statusCode];
  if (!name) return statusCode >= 500 ? 'Server Error' : 'Client Error';
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}
