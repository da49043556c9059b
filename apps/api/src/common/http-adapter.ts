import helmet from 'helmet';
import {
  BadRequestException,
  HttpException,
  HttpStatus,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app-config';
import { toErrorBody } from './http-exception.filter';
import { SECURITY_HEADERS } from './security-headers';

/** Largest JSON or form body accepted; bigger ones get a 413 JSON error. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Fastify's maxParamLength (its default): a longer path parameter is a 414. */
const MAX_PATH_SEGMENT = 100;

/**
 * Fastify rather than Express: on a 2-core VM a bare Nest app answered 100 simultaneous POSTs in
 * 47 ms on Express and 27 ms on Fastify, and the whole submit path followed (bench/operations).
 * forceCloseConnections: otherwise a request still in flight (a slow upload, a stream nobody ends)
 * holds close() open until the shutdown grace runs out and the process exits non-zero.
 */
export function httpAdapter(trustProxy: AppConfig['OAR_LIVE_TRUST_PROXY'] = false): OarLiveFastifyAdapter {
  const adapter = new OarLiveFastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // request.ip is then the client's address as the trusted proxies tell it (X-Forwarded-For).
    trustProxy,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PATH_SEGMENT },
    frameworkErrors: answerRouterError,
  });
  // Fastify reads text/plain bodies as strings by default; oar-live takes JSON or multipart only (415).
  adapter.getInstance().removeContentTypeParser('text/plain');
  return adapter;
}

const setSecurityHeaders = helmet(SECURITY_HEADERS);

/**
 * Fastify's router refuses a malformed %-escape (400) or an over-long path segment (414) before any
 * hook runs: answered here in the error format, with the security headers every answer has.
 */
function answerRouterError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? HttpStatus.URI_TOO_LONG : HttpStatus.BAD_REQUEST;
  answerRefusedPath(status, request, reply);
}

/**
 * The router's 414 also for a path only a wildcard route matched (the web app's fallback): find-my-way
 * gives such a path to the wildcard instead of refusing it.
 */
export function hasOverlongSegment(url: string): boolean {
  return url
    .split('?')[0]
    .split('/')
    .some((segment) => segment.length > MAX_PATH_SEGMENT);
}

export function answerRefusedPath(
  status: HttpStatus.URI_TOO_LONG | HttpStatus.BAD_REQUEST,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const message =
    status === HttpStatus.URI_TOO_LONG
      ? `a segment of the URL path is longer than ${MAX_PATH_SEGMENT} characters`
      : 'the URL path is not valid: it has a malformed %-escape';
  setSecurityHeaders(request.raw, reply.raw, () => {
    void reply.code(status).send(toErrorBody(new HttpException(message, status)));
  });
}

type ErrorHandler = Parameters<FastifyAdapter['setErrorHandler']>[0];

/**
 * Fastify rejects some requests before any route runs (body too large, malformed JSON …), and Nest
 * passes those on as a bare HttpException with Fastify's message ("Unsupported Media Type").
 * This adapter says what the client did wrong first, in oar-live's words.
 */
export class OarLiveFastifyAdapter extends FastifyAdapter {
  override setErrorHandler(handler: ErrorHandler) {
    return super.setErrorHandler(((err: Error, request: FastifyRequest, reply: unknown) =>
      (handler as (...args: unknown[]) => unknown)(
        requestError(err, {
          bodyLimit: this.getInstance().initialConfig.bodyLimit,
          contentType: request.headers['content-type'],
        }),
        request,
        reply,
      )) as ErrorHandler);
  }
}

/** The HttpException a Fastify request error stands for; anything else unchanged. */
export function requestError(
  err: Error & { code?: string },
  request: { bodyLimit?: number; contentType?: string },
): Error {
  if (err instanceof HttpException) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeException(`request body is larger than the limit of ${request.bodyLimit ?? '?'} bytes`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new BadRequestException('malformed JSON in request body: it is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new BadRequestException('malformed JSON in request body: it does not parse as JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeException(
        `unsupported Content-Type ${request.contentType ?? '(none)'}: send application/json (or multipart/form-data to upload a script)`,
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BadRequestException('request body size did not match Content-Length');
    default:
      return err;
  }
}
