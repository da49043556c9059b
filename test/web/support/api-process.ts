import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { freePort } from '../../support/redis-server';
import { waitFor } from '../../support/wait-for';

const root = join(__dirname, '..', '..', '..');

export interface ApiUser {
  name: string;
  password: string;
  roles: string[];
  oarLogin?: string;
}

/**
 * The real oar-live API (apps/api/src/main.ts, from sources) as its own process, configured only by
 * environment as in production: OAR at `oarUrl`, the test run's Redis under a private key prefix,
 * a users file written for the test. It serves apps/web/dist at `/`.
 */
export async function startApiProcess(oarUrl: string, users: ApiUser[], env: Record<string, string> = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'oar-live-e2e-'));
  const usersFile = join(dir, 'users.yml');
  const yaml = users
    .map(
      (u) =>
        `  - name: ${u.name}\n    password: "${hashSync(u.password, 4)}"\n    roles: [${u.roles.join(', ')}]` +
        (u.oarLogin ? `\n    oarLogin: ${u.oarLogin}` : ''),
    )
    .join('\n');
  writeFileSync(usersFile, `users:\n${yaml}\n`);
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(root, 'apps/api/src/main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        TS_NODE_PROJECT: join(root, 'tsconfig.jest.json'),
        PORT: String(port),
        HOST: '127.0.0.1',
        OAR_API_URL: oarUrl,
        OAR_AUTH: 'ident',
        OAR_POLL_MS: '300',
        REDIS_KEY_PREFIX: `e2e-web:${randomBytes(4).toString('hex')}:`,
        OAR_LIVE_USERS: usersFile,
        OAR_LIVE_TOKEN_SECRET: randomBytes(24).toString('hex'),
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}:\n${output}`);
      return fetch(`${url}/api/health`).then(
        (r) => r.status > 0,
        () => false,
      );
    },
    { describe: 'the API to answer /api/health', timeoutMs: 60_000 },
  ).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${output}`);
  });
  return {
    url,
    output: () => output,
    async stop(): Promise<void> {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
