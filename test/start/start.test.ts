import { hashSync } from 'bcryptjs';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import type { Batch, LiveEvent, Operation } from '@oar-live/shared';
import { EMBEDDED_SIM } from '../../apps/api/src/oar/oar.module';
import { freePort } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { isAlive, npmStart, processesWith, startProcess, terminate, waitForStatus, type Started } from './launcher';

/** The first `npm start` of a run may have to build (or, on a fresh clone, install) first. */
const FIRST_START_MS = 5 * 60_000;
jest.setTimeout(FIRST_START_MS + 120_000);

const started: Started[] = [];
const track = (s: Started) => (started.push(s), s);
/** After a failure: whatever it started (found by its marker), redis-server included. */
afterEach(() => {
  for (const s of started.splice(0)) for (const pid of processesWith(s.marker)) process.kill(pid, 'SIGKILL');
});

function answersOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function login(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function expectCleanStop(app: Started, how: 'SIGTERM' | 'ctrl-c' = 'SIGTERM'): Promise<void> {
  const { code, ms } = await terminate(app, how);
  expect(code).toBe(0);
  expect(ms).toBeLessThan(5000);
  expect(processesWith(app.marker)).toEqual([]);
}

describe('npm start', () => {
  it('serves the simulator with REDIS_URL; jobs come and go on the live stream; SIGTERM stops everything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oar-live-start-'));
    const usersFile = join(dir, 'users.yaml');
    writeFileSync(
      usersFile,
      `users:\n  - name: alice\n    password: "${hashSync('alice-start-pw', 4)}"\n    roles: [user]\n`,
    );
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // The run's shared Redis: a key prefix of its own keeps other tests' leases and queues out of the way.
    const app = track(
      npmStart({
        REDIS_URL: process.env.REDIS_URL!,
        REDIS_KEY_PREFIX: `start-test-${port}:`,
        PORT: String(port),
        OAR_LIVE_USERS: usersFile,
      }),
    );

    expect(await waitForStatus(`${base}/api/health`, 200, FIRST_START_MS)).toEqual({
      status: 'ok',
      oar: { status: 'up' },
      redis: { status: 'up' },
      stream: { epoch: expect.any(String), seq: expect.any(Number) },
    });
    // Health says OAR is up once it answered; the first full picture of the cluster follows its first read.
    const cluster = await waitFor(
      async () => {
        const answer = (await (await fetch(`${base}/api/cluster`)).json()) as { nodes: { name: string }[] };
        return answer.nodes.length > 0 && answer;
      },
      { describe: "the embedded simulator's nodes in /api/cluster" },
    );
    expect(cluster.nodes).toHaveLength(EMBEDDED_SIM.nodes);

    const events: LiveEvent[] = [];
    const socket = io(`${base}/live`, { transports: ['websocket'], reconnection: false });
    socket.on('changes', (batch: Batch) => events.push(...batch.events));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    try {
      const token = await login(base, 'alice', 'alice-start-pw');
      const submitted = await fetch(`${base}/api/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ command: 'sleep 2' }),
      });
      expect(submitted.status).toBe(202);
      const { operation } = (await submitted.json()) as { operation: Operation };
      const jobId = await waitFor(
        async () => {
          const res = await fetch(`${base}/api/operations/${operation.id}`);
          const { result } = (await res.json()) as Operation & { result?: { jobId?: number } };
          return result?.jobId;
        },
        { timeoutMs: 30_000, describe: `operation ${operation.id} to give a job id` },
      );
      await waitFor(() => events.some((e) => e.type === 'job.added' && e.job.id === jobId), {
        timeoutMs: 30_000,
        describe: `job.added for job ${jobId}`,
      });
      const removed = await waitFor(() => events.find((e) => e.type === 'job.removed' && e.id === jobId), {
        timeoutMs: 60_000,
        describe: `job.removed for job ${jobId}`,
      });
      expect(removed).toMatchObject({ job: { state: 'Terminated', user: 'alice' } });
    } finally {
      socket.close();
    }

    await expectCleanStop(app);
  });

  it('starts its own redis-server (AOF under the data dir) when no Redis answers, and stops it on Ctrl-C', async () => {
    const port = await freePort();
    const redisPort = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'oar-live-data-'));
    const base = `http://127.0.0.1:${port}`;
    const app = track(
      npmStart({ PORT: String(port), OAR_LIVE_DATA_DIR: dataDir, OAR_LIVE_REDIS_PORT: String(redisPort) }),
    );

    const [, pid, url] = await app.waitForOutput(
      /started redis-server \(pid (\d+)\) on (redis:\/\/\S+),/,
      FIRST_START_MS,
    );
    expect(url).toBe(`redis://127.0.0.1:${redisPort}`);
    expect(await waitForStatus(`${base}/api/health`, 200, 60_000)).toMatchObject({ redis: { status: 'up' } });
    expect(readdirSync(join(dataDir, 'redis')).some((file) => file.startsWith('appendonly'))).toBe(true);

    const [, password] = await app.waitForOutput(/Sign in as "admin" with password (\S+)/);
    expect(await login(base, 'admin', password)).toEqual(expect.any(String));

    await expectCleanStop(app, 'ctrl-c');
    expect(isAlive(Number(pid))).toBe(false);
    expect(await answersOn(redisPort)).toBe(false);
  });

  it('says how to get redis-server when none is installed and no Redis is reachable', async () => {
    const app = track(
      startProcess(process.execPath, ['scripts/start.js'], {
        PATH: '/nonexistent',
        OAR_LIVE_DATA_DIR: mkdtempSync(join(tmpdir(), 'oar-live-data-')),
        OAR_LIVE_REDIS_PORT: String(await freePort()),
      }),
    );
    const { code } = await app.exited;
    expect(code).not.toBe(0);
    expect(app.stderr()).toContain('sudo apt-get install redis-server');
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', 'http'],
    ['OAR_API_URL', 'oar.example.org/oarapi'],
    ['OAR_AUTH', 'kerberos'],
    ['OAR_LIVE_USERS', '/nonexistent/users.yaml'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
  ])('exits non-zero with one line naming %s when it is %s', async (name, value) => {
    const app = track(startProcess(process.execPath, ['scripts/start.js'], { [name]: value }));
    const { code } = await app.exited;
    expect(code).not.toBe(0);
    const lines = app.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^invalid configuration: ${name}: (must|is) .+ \\(got "${value}"\\)$`));
  });
});
