import { accessSync, constants, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { wholeNumber } from './whole-number';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const tcpPort = wholeNumber(1, 65535, 'must be an integer from 1 to 65535');

/** Checked at boot so a typo in the path fails at once, not at the first login. */
const isReadableFile = (path: string): boolean => {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

const TRUST_PROXY_MESSAGE =
  'must be false, a number of proxy hops from 1 to 10, or comma-separated proxy addresses or CIDRs (e.g. 10.0.0.5,192.168.0.0/16; loopback)';
/** proxy-addr's names for address ranges, as Fastify's trustProxy accepts them. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isProxyAddress = (entry: string): boolean => {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};

/**
 * Which peers may tell the client's address in X-Forwarded-For (login throttling counts per client
 * address): false (none: the TCP peer is the client), a hop count, or the proxies' addresses.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((text, ctx): false | number | string[] => {
    if (text === 'false') return false;
    if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 10) return Number(text);
    const entries = text.split(',').map((entry) => entry.trim());
    if (entries.length > 0 && entries.every(isProxyAddress)) return entries;
    ctx.addIssue({ code: 'custom', message: TRUST_PROXY_MESSAGE });
    return z.NEVER;
  });

const httpUrl = (what: string) => z.url({ message: `must be an http(s) URL of ${what}`, protocol: /^https?$/ });

/** Every environment variable oar-live reads, with its default. Validated once at boot. */
export const configSchema = z.object({
  PORT: tcpPort.default(8080),
  HOST: z.string().min(1, 'must be a host name or IP address').default('127.0.0.1'),
  /** Unset → the embedded oar-sim. */
  OAR_API_URL: httpUrl('the OAR REST API, e.g. http://127.0.0.1:6668/oarapi').optional(),
  OAR_AUTH: z.enum(['ident', 'basic', 'none'], { message: 'must be one of ident, basic, none' }).default('ident'),
  /** OAR_AUTH=basic: a file of `login:password` lines, the passwords oar-live sends to OAR's Basic auth. */
  OAR_CREDENTIALS: z
    .string()
    .refine(isReadableFile, 'must be the path of a readable file of login:password lines')
    .optional(),
  OAR_POLL_MS: wholeNumber(100, 600000, 'must be an integer number of milliseconds from 100 to 600000').default(2000),
  /** How the poller reads OAR: the light lists each tick and details of what changed, or everything each tick. */
  OAR_READER: z.enum(['incremental', 'full'], { message: 'must be incremental or full' }).default('incremental'),
  /** The incremental reader re-reads everything this often to check itself (and corrects what it finds). */
  OAR_RESYNC_MS: wholeNumber(
    10000,
    86400000,
    'must be an integer number of milliseconds from 10000 to 86400000',
  ).default(300000),
  /** Largest share of the time OAR's API may spend answering oar-live's reads. */
  OAR_MAX_LOAD: z.coerce
    .number({ message: 'must be a number greater than 0 and at most 1, e.g. 0.2 for 20 % of the time' })
    .gt(0, 'must be a number greater than 0 and at most 1, e.g. 0.2 for 20 % of the time')
    .max(1, 'must be a number greater than 0 and at most 1, e.g. 0.2 for 20 % of the time')
    .default(0.2),
  REDIS_URL: z.url({ message: 'must be a redis:// URL', protocol: /^rediss?$/ }).optional(),
  OAR_LIVE_USERS: z.string().refine(isReadableFile, 'must be the path of a readable users YAML file').optional(),
  OAR_LIVE_ANONYMOUS_READ: bool.default(true),
  /** HMAC key for login tokens. Unset → random per process: tokens die on restart and differ between replicas. */
  OAR_LIVE_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  OAR_LIVE_TOKEN_TTL_SECONDS: wholeNumber(
    60,
    2592000,
    'must be an integer number of seconds from 60 to 2592000',
  ).default(43200),
  OAR_LIVE_TRUST_PROXY: trustProxy.default(false),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  /** Prefix of every Redis key the live pipeline uses (event log, snapshot, leader lease). */
  REDIS_KEY_PREFIX: z.string().min(1, 'must be a non-empty key prefix').default('oar-live:'),
  /** Comma-separated Origins allowed to open live sockets; unset → the server's own origin (HOST/127.0.0.1/localhost at PORT). */
  OAR_LIVE_ALLOWED_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ message: 'must be comma-separated http(s) origins', protocol: /^https?$/ })))
    .optional(),
  /** How many days of the once-a-minute utilisation samples Redis keeps (about 50 kB a day). */
  OAR_LIVE_UTILISATION_DAYS: wholeNumber(1, 366, 'must be an integer number of days from 1 to 366').default(30),
  /** `npm start` only: where its private redis-server keeps its AOF (relative to the repository). */
  OAR_LIVE_DATA_DIR: z.string().min(1, 'must be a directory path').default('.data'),
  /** `npm start` only: the 127.0.0.1 port where it looks for a Redis (unset → 6379) and else starts its own (unset → a free port). */
  OAR_LIVE_REDIS_PORT: tcpPort.optional(),
});

export type AppConfig = z.infer<typeof configSchema>;

/** Thrown with one line per bad variable: `NAME: what is allowed (got "value")`. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Parses the environment; empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, unknown>): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (parsed.success) {
    // Basic auth without passwords could not even read a vanished job's final state as `oar`.
    if (parsed.data.OAR_API_URL && parsed.data.OAR_AUTH === 'basic' && !parsed.data.OAR_CREDENTIALS) {
      throw new ConfigError([
        'OAR_CREDENTIALS: required when OAR_AUTH=basic: the path of a file of login:password lines (got undefined)',
      ]);
    }
    return parsed.data;
  }
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}: ${issue.message} (got ${JSON.stringify(cleaned[name])})`;
    }),
  );
}
