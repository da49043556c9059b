/// <reference lib="dom" /> // page.waitForFunction callbacks run in the browser
import type { Job } from '@oar-live/oar-client';
import type { Batch, Operation, Snapshot } from '@oar-live/shared';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { launchChromium } from '../web/support/web-harness';
import { freePort } from '../support/redis-server';
import { waitFor } from '../support/wait-for';

/**
 * docker-compose.yml really started: scripts/compose-test builds the images from docker/ and brings
 * the stack up with podman-compose (a real OAR 2.5.9 cluster from Debian packages, Redis with AOF and
 * oar-live), then these tests use it as a person would, and `down` must leave nothing behind.
 * Not part of `npm test` (a cold build takes minutes): `npm run test:compose`, a phase of .ci/run.
 */
const root = join(__dirname, '..', '..');
const project = 'oar-live-compose-test';
const NODES = ['node1', 'node2', 'node3'];

describe('docker-compose.yml started with podman-compose', () => {
  let port: number;
  let url: string;

  const composeTest = (command: 'up' | 'down' | 'left'): string =>
    execFileSync('bash', [join(root, 'scripts/compose-test'), command], {
      encoding: 'utf8',
      env: { ...process.env, COMPOSE_PROJECT_NAME: project, OAR_LIVE_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
  const podman = (...args: string[]): string =>
    execFileSync('podman', args, {
      encoding: 'utf8',
      env: { ...process.env, CONTAINERS_CONF: join(root, 'scripts/podman/containers.conf') },
    });
  /** podman-compose 1.0.3 names the one container of a service PROJECT_SERVICE_1. */
  const container = (service: string): string => `${project}_${service}_1`;
  const api = async <T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${url}${path}`, init);
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    port = await freePort();
    // A run killed half-way leaves its stack: start from nothing.
    if (composeTest('left')) composeTest('down');
    url = composeTest('up');
  }, 1_800_000);

  afterAll(() => {
    // Only after a failure does anything remain here: the last test takes the stack down.
    if (composeTest('left')) composeTest('down');
  }, 300_000);

  it('publishes oar-live on the chosen loopback port, and its health is 200 with OAR and Redis up', async () => {
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const health = await waitFor(async () => {
      const res = await api('/api/health');
      return res.status === 200 && res;
    });
    expect(health.body).toMatchObject({ status: 'ok', oar: { status: 'up' }, redis: { status: 'up' } });
  });

  it("shows the compose cluster's three nodes, 2 cores each, all Alive", async () => {
    const nodes = await waitFor(
      async () => {
        const found = (await api<Snapshot>('/api/cluster')).body.nodes;
        return found.length === NODES.length && found.every((n) => n.state === 'Alive') && found;
      },
      { describe: 'three Alive nodes in /api/cluster', timeoutMs: 60_000 },
    );
    expect(nodes.map((n) => [n.name, n.resources.length])).toEqual(NODES.map((name) => [name, 2]));
  });

  it('runs a job submitted through oar-live on a compose node, and the job ends Terminated', async () => {
    // Without a users file oar-live generates an admin and prints its password once, at start.
    const password = /Sign in as "admin" with password (\S+)/.exec(podman('logs', container('oar-live')))![1];
    const login = await api<{ token: string }>('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);

    // Final job states arrive in the live feed's job.removed events, once OAR no longer lists the job.
    const ended = new Map<number, Job>();
    const socket = io(`${url}/live`, { transports: ['websocket'], reconnection: false });
    socket.on('changes', (batch: Batch) => {
      for (const event of batch.events) if (event.type === 'job.removed') ended.set(event.id, event.job);
    });
    try {
      const submitted = await api<{ operation: Operation }>('/api/jobs', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${login.body.token}` },
        body: JSON.stringify({ command: 'hostname', resources: '/nodes=1/core=1', walltime: '00:05:00' }),
      });
      expect(submitted.status).toBe(202);
      const operation = await waitFor(
        async () => {
          const { body } = await api<Operation>(`/api/operations/${submitted.body.operation.id}`, {
            headers: { Authorization: `Bearer ${login.body.token}` },
          });
          return (body.state === 'succeeded' || body.state === 'failed') && body;
        },
        { describe: 'the submit operation to finish', timeoutMs: 60_000 },
      );
      expect(operation).toMatchObject({ state: 'succeeded' });
      const jobId = (operation.result as { jobId: number }).jobId;
      const job = await waitFor(() => ended.get(jobId), { describe: `job ${jobId} to end`, timeoutMs: 120_000 });
      expect(job).toMatchObject({ id: jobId, user: 'admin', state: 'Terminated', exitCode: 0 });
      // It ran on one compose node: its output file is on that node only, and holds the node's name.
      const outputs = NODES.map((node) =>
        podman(
          'exec',
          container(node),
          'sh',
          '-c',
          // A job without a name writes OAR.<id>.stdout, as the same oarsub would.
          'cat "$1/OAR.$2.stdout" 2>/dev/null || true',
          'sh',
          job.directory ?? '/home/admin',
          String(jobId),
        ).trim(),
      );
      expect(outputs.filter(Boolean)).toHaveLength(1);
      expect(outputs.find(Boolean)).toBe(NODES[outputs.findIndex(Boolean)]);
    } finally {
      socket.close();
    }
  });

  it('loads the wall page in Chromium, with the live count of alive nodes and cores', async () => {
    const browser = await launchChromium({ width: 1920, height: 1080 });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${url}/wall`);
      await page.locator('oar-wall .stat', { hasText: 'nodes alive' }).locator('.value', { hasText: '3/3' }).waitFor();
      await page.locator('oar-wall .stat', { hasText: 'cores busy' }).locator('.value', { hasText: '/6' }).waitFor();
    } finally {
      await browser.close();
    }
  });

  it('`down` leaves no container, pod, network or volume of the project', () => {
    expect(composeTest('left')).not.toBe('');
    composeTest('down');
    expect(composeTest('left')).toBe('');
  }, 300_000);
});
