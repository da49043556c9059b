import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { PinoLogger, type Params } from 'nestjs-pino';
import { destination } from 'pino';
import type { AppConfig } from '../config/app-config';

/** Paths pino replaces with "[redacted]": credentials in headers and in any (nested) body or object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-remote-ident"]',
  'res.headers["set-cookie"]',
  ...['password', 'token', 'secret', 'passwordHash'].flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

/** Requests too frequent to be worth a log line each. */
const QUIET_PATHS = new Set(['/api/health', '/api/metrics']);

/**
 * nestjs-pino is the app's logger; its pino-http middleware is left out (forRoutes: none): it
 * serialises every request into a child logger and runs the rest of the request in an
 * AsyncLocalStorage, even when the line is below LOG_LEVEL. RequestLog writes the same line instead.
 */
export function loggerParams(config: AppConfig): Params {
  return {
    forRoutes: [],
    pinoHttp: [
      {
        level: config.LOG_LEVEL,
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        // Response headers are ours and repetitive (helmet); status and time say what matters.
        serializers: { res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
      },
      // Synchronous: nothing is lost when the process exits at once (startup errors, shutdown grace),
      // and lines keep their order with what is printed directly (the start banner).
      destination({ dest: 1, sync: true }),
    ],
  };
}

/**
 * One line per answered request (`req`, `res.statusCode`, `responseTime`), at warn for 4xx and
 * error for 5xx, from Fastify's onResponse hook: serialised only when the level is on.
 */
@Injectable()
export class RequestLog implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const logger = PinoLogger.root;
    this.adapterHost.httpAdapter?.getInstance<FastifyInstance>().addHook('onResponse', (request, reply, done) => {
      const level = reply.statusCode >= 500 ? 'error' : reply.statusCode >= 400 ? 'warn' : 'info';
      if (logger.isLevelEnabled(level) && !QUIET_PATHS.has(request.url.split('?')[0])) {
        const req = Object.assign(request.raw, { id: request.id });
        logger[level]({ req, res: reply.raw, responseTime: Math.round(reply.elapsedTime) }, 'request completed');
      }
      done();
    });
  }
}
