import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { OarClient, type Node } from '@oar-live/oar-client';
import type { Batch, WholeEvent } from '@oar-live/shared';
import { resetOarSandbox } from '../support/oar-sandbox';
import { startApi, Subscriber, type RunningApi } from './api';
import { uniquePrefix } from './support';

/** Against the real OAR 2.5.9 sandbox: what a subscriber sees when real things happen in OAR. */
const sandbox = (command: 'stop-api' | 'start-api') =>
  execFileSync('bash', [join(__dirname, '..', '..', 'scripts', 'oar-sandbox'), command], { stdio: 'ignore' });

let api: RunningApi;
let sub: Subscriber;
const oar = new OarClient({ baseUrl: process.env.OAR_SANDBOX_URL!, auth: 'ident' });
/** Events from batch index `from` on, deltas read back as whole nodes and jobs. */
const events = (from = 0): WholeEvent[] => sub.wholeEvents.slice(from).flatMap((batch) => batch ?? []);

/** Every batch follows the snapshot (or the one before it) with no gap in seq. */
function expectNoGap(batches: Batch[], afterSeq: number): void {
  expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => afterSeq + 1 + i));
}

beforeAll(async () => {
  resetOarSandbox();
  api = await startApi({
    REDIS_KEY_PREFIX: uniquePrefix('sandbox'),
    OAR_API_URL: process.env.OAR_SANDBOX_URL!,
    OAR_POLL_MS: '500',
  });
  sub = new Subscriber(api.url);
  await sub.until(
    () =>
      events().some((e) => e.type === 'source.status' && e.status === 'up') || sub.snapshots[0]?.source.status === 'up',
    'first poll',
  );
});
afterAll(async () => {
  sub.close();
  await api.close();
});

describe('live pipeline against the real OAR sandbox', () => {
  it('shows a submitted job as added, changed through Running, then removed with its final state and exit code', async () => {
    const from = sub.batches.length;
    const { id } = await oar.jobs.submit(
      { command: 'sleep 2', resources: '/nodes=1/core=1,walltime=00:01:00' },
      { as: 'alice' },
    );
    const removed = await sub.until(
      () => events(from).find((e) => e.type === 'job.removed' && e.id === id),
      `job.removed for job ${id}`,
      60_000,
    );
    const mine = events(from).filter((e) => 'job' in e && e.job.id === id);
    expect(mine[0].type).toBe('job.added');
    expect(mine.at(-1)).toBe(removed);
    expect(mine.slice(1, -1).every((e) => e.type === 'job.changed')).toBe(true);
    expect(mine.some((e) => e.type === 'job.changed' && e.job.state === 'Running')).toBe(true);
    expect(removed).toMatchObject({ job: { id, state: 'Terminated', exitCode: 0 } });
    expectNoGap(sub.batches, sub.snapshots[0].seq);
    const finished = await fetch(`${api.url}/api/jobs/${id}`);
    expect(finished.status).toBe(200);
    expect(await finished.json()).toMatchObject({ id, state: 'Terminated', exitCode: 0, command: 'sleep 2' });
    const unknown = await fetch(`${api.url}/api/jobs/${id + 1000}`);
    expect([unknown.status, ((await unknown.json()) as { message: string }).message]).toEqual([
      404,
      `job ${id + 1000} does not exist`,
    ]);
  });

  it('reports a resource set Absent as node.changed, and back', async () => {
    const from = sub.batches.length;
    const node = (await (await fetch(`${api.url}/api/nodes/node2`)).json()) as Node;
    const resource = node.resources[0].id;
    await oar.resources.setState(resource, 'Absent', { as: 'oar' });
    const changed = await sub.until(
      () =>
        events(from).find(
          (e) => e.type === 'node.changed' && e.node.name === 'node2' && e.node.state.includes('Absent'),
        ),
      'node2 Absent',
    );
    expect(changed).toMatchObject({ changed: expect.arrayContaining(['state', 'resources']) });
    await oar.resources.setState(resource, 'Alive', { as: 'oar' });
    await sub.until(
      () => events(from).find((e) => e.type === 'node.changed' && e.node.name === 'node2' && e.node.state === 'Alive'),
      'node2 Alive again',
    );
    expectNoGap(sub.batches, sub.snapshots[0].seq);
  });

  it('reports OAR going away as source down without removing anything, then up again', async () => {
    const { id } = await oar.jobs.submit(
      { command: 'sleep 60', resources: '/nodes=1/core=1,walltime=00:02:00' },
      { as: 'bob' },
    );
    await sub.until(
      () => events().find((e) => e.type === 'job.changed' && e.job.id === id && e.job.state === 'Running'),
      'job running',
    );
    const from = sub.batches.length;
    try {
      sandbox('stop-api');
      const down = await sub.until(
        () => events(from).find((e) => e.type === 'source.status' && e.status === 'down'),
        'source down',
      );
      expect(down).toMatchObject({
        error: 'OAR cannot be reached: the cluster shown is as last read.',
        detail: expect.stringMatching(/unreachable|refused|ECONNREFUSED/i),
        lastOkAt: expect.any(String),
      });
    } finally {
      sandbox('start-api');
    }
    await sub.until(
      () => events(from).find((e) => e.type === 'source.status' && e.status === 'up'),
      'source up',
      60_000,
    );
    expect(events(from).filter((e) => e.type === 'node.removed' || e.type === 'job.removed')).toEqual([]);
    const res = await fetch(`${api.url}/api/jobs/${id}`);
    expect(res.status).toBe(200);
    expectNoGap(sub.batches, sub.snapshots[0].seq);
    await oar.jobs.cancel(id, { as: 'bob' });
  });
});
