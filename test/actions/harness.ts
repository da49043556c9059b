import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { JOB_STATES, OarClient, type Job } from '@oar-live/oar-client';
import type { Operation } from '@oar-live/shared';
import { resetOarSandbox } from '../support/oar-sandbox';
import { freePort } from '../support/redis-server';
import { waitFor } from '../support/wait-for';

const ROOT = join(__dirname, '..', '..');

/** Test accounts: alice and bob map to the sandbox's unix users; `boss` is an admin acting as bob. */
export const USERS = {
  alice: { password: 'alice-secret', roles: ['user'] },
  bob: { password: 'bob-secret', roles: ['user'] },
  watcher: { password: 'watcher-secret', roles: ['viewer'] },
  boss: { password: 'boss-secret', roles: ['admin'], oarLogin: 'bob' },
} as const;
export type UserName = keyof typeof USERS;

/** A users file with $2y$ hashes, as `htpasswd -nbB` writes them. */
function writeUsersFile(dir: string): string {
  const path = join(dir, 'users.yaml');
  const lines = Object.entries(USERS).map(([name, user]) =>
    JSON.stringify({
      name,
      password: hashSync(user.password, 4).replace(/^\$2b\$/, '$2y$'),
      roles: user.roles,
      ...('oarLogin' in user && { oarLogin: user.oarLogin }),
    }),
  );
  writeFileSync(path, `users:\n${lines.map((line) => `  - ${line}`).join('\n')}\n`);
  return path;
}

export function sandboxOar(): OarClient {
  return new OarClient({ baseUrl: process.env.OAR_SANDBOX_URL!, auth: 'ident' });
}

/** The environment of an oar-live process for one test file: its own Redis key prefix, the sandbox, test users. */
export function apiEnv(name: string, overrides: Record<string, string> = {}): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), `oar-live-${name}-`));
  return {
    OAR_API_URL: process.env.OAR_SANDBOX_URL!,
    OAR_AUTH: 'ident',
    REDIS_URL: process.env.REDIS_URL!,
    REDIS_KEY_PREFIX: `test:${name}:${randomUUID().slice(0, 8)}:`,
    OAR_LIVE_USERS: writeUsersFile(dir),
    // Fixed so tokens stay valid across a restart of the process (the crash test).
    OAR_LIVE_TOKEN_SECRET: randomUUID() + randomUUID(),
    OAR_POLL_MS: '500',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
}

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote, for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown hooks, as a crash. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs apps/api/src/main.ts (the production entry point) from sources as a child process on a free
 * loopback port; with `compiled`, the build of it (apps/api/dist/main.js, from `tsc -b`), which
 * starts several times faster: for tests that restart processes many times.
 */
export async function startApiProcess(
  env: Record<string, string>,
  port?: number,
  { compiled = false } = {},
): Promise<ApiProcess> {
  const listenPort = port ?? (await freePort());
  const child = spawn(
    process.execPath,
    compiled
      ? ['apps/api/dist/main.js']
      : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        PORT: String(listenPort),
        HOST: '127.0.0.1',
        TS_NODE_PROJECT: 'tsconfig.jest.json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${listenPort}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`oar-live exited with ${child.exitCode}:\n${output}`);
      // Any answer will do: Nest listens only once every module has started.
      return (await fetch(`${url}/api/operations?limit=1`).catch(() => undefined)) !== undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, describe: `oar-live at ${url}` },
  ).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${output}`);
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, child, output: () => output, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

export class Client {
  private tokens = new Map<string, string>();
  constructor(readonly url: string) {}

  async token(user: UserName): Promise<string> {
    const cached = this.tokens.get(user);
    if (cached) return cached;
    const res = await this.request('POST', '/api/auth/login', {
      body: { username: user, password: USERS[user].password },
    });
    if (res.status !== 200) throw new Error(`login ${user}: ${res.status} ${JSON.stringify(res.body)}`);
    const token = (res.body as { token: string }).token;
    this.tokens.set(user, token);
    return token;
  }

  async request(
    method: string,
    path: string,
    options: { as?: UserName; body?: unknown; form?: FormData; headers?: Record<string, string> } = {},
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever the API answered
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as) headers.authorization = `Bearer ${await this.token(options.as)}`;
    let body: string | FormData | undefined;
    if (options.form) body = options.form;
    else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  }

  /** Waits (bounded poll of GET /api/operations/:id) until the operation is succeeded or failed. */
  async settled(id: string, timeoutMs = 90_000): Promise<Operation> {
    return waitFor(
      async () => {
        const res = await this.request('GET', `/api/operations/${id}`);
        const operation = res.body as Operation;
        return operation.state === 'succeeded' || operation.state === 'failed' ? operation : undefined;
      },
      { timeoutMs, intervalMs: 250, describe: `operation ${id} settled` },
    );
  }
}

/** Waits until OAR reports the job in one of `states` (as its owner). */
export function jobInState(
  oar: OarClient,
  id: number,
  owner: string,
  states: string[],
  timeoutMs = 60_000,
): Promise<Job> {
  return waitFor(
    async () => {
      const job = await oar.jobs.get(id, { as: owner });
      return states.includes(job.state) ? job : undefined;
    },
    { timeoutMs, intervalMs: 300, describe: `job ${id} in ${states.join('/')}` },
  );
}

/** Every job OAR knows (finished ones too). */
export function allJobs(oar: OarClient): Promise<Job[]> {
  return oar.jobs.details({ state: JOB_STATES });
}

/** `scripts/oar-sandbox stop-api | start-api`: only Apache goes away (OAR keeps running). */
export function sandboxApi(command: 'stop-api' | 'start-api'): void {
  execFileSync('bash', [join(ROOT, 'scripts', 'oar-sandbox'), command], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * For a test file acting on the sandbox: before all, reset OAR and start an API process; after all,
 * stop it and reset OAR again (created nodes and running jobs must not outlive the file).
 */
export function useApiOnSandbox(name: string): { api: ApiProcess; client: Client } {
  const fixture = {} as { api: ApiProcess; client: Client };
  beforeAll(async () => {
    resetOarSandbox();
    fixture.api = await startApiProcess(apiEnv(name));
    fixture.client = new Client(fixture.api.url);
  }, 120_000);
  afterAll(async () => {
    await fixture.api?.stop();
    resetOarSandbox();
  }, 60_000);
  return fixture;
}
