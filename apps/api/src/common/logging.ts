import type { Params } from 'nestjs-pino';
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

export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: [
      {
        level: config.LOG_LEVEL,
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        // Response headers are ours and repetitive (helmet); status and time say what matters.
        serializers: { res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
        autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
        customLogLevel: (_req, res, err) =>
          err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      },
      // Synchronous: nothing is lost when the process exits at once (startup errors, shutdown grace),
      // and lines keep their order with what is printed directly (the start banner).
      destination({ dest: 1, sync: true }),
    ],
  };
}
