import { OarClient } from '@oar-live/oar-client';
import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import type { Batch, LiveEvent } from '@oar-live/shared';
import { historyQuerySchema, summaryQuerySchema, windowOf } from './history-query';
import { JobHistory } from './job-history.service';
import { nodeStateChanges } from './node-history';
import { bareNode } from '../../../../test/support/live-fixtures';

describe('JobHistory (finished jobs from OAR, by window)', () => {
  let sim: OarSim;
  let history: JobHistory;
  // Between two seeded ends (one every 30 s, the last at the start): 120 jobs, whatever the few seconds the test takes.
  const lastHour = () => ({ from: new Date(Date.now() - 3585_000), to: new Date(Date.now() + 60_000) });
  const reads = () => sim.requestCount({ pathPrefix: '/oarapi/jobs/table' });

  beforeAll(async () => {
    sim = await startOarSim({ nodes: 2, coresPerNode: 2, finishedJobs: 200 });
    history = new JobHistory(new OarClient({ baseUrl: sim.url, auth: 'ident' }));
  });
  afterAll(() => sim.stop());

  it('answers the first page from the newest jobs alone, then pages and sums the whole window from one read', async () => {
    const window = lastHour();
    const before = reads();
    const first = await history.page(window, 0, 50);
    const second = await history.page(window, 50, 50);
    const summary = await history.summary(window);
    // One read of the window's last hour for the first page, one of the whole window for the rest.
    expect(reads() - before).toBe(2);
    expect((await history.page(window, 0, 50)).jobs).toEqual(first.jobs);
    expect(first.total).toBe(120); // one job ends every 30 s
    expect(first.jobs).toHaveLength(50);
    const ends = [...first.jobs, ...second.jobs].map((j) => j.stoppedAt!);
    expect(ends).toEqual([...ends].sort().reverse());
    expect(new Set([...first.jobs, ...second.jobs].map((j) => j.id)).size).toBe(100);
    expect(summary.total).toBe(120);
    expect(summary.users.map((u) => [u.key, u.jobs])).toEqual([
      ['alice', 60],
      ['bob', 60],
    ]);
    expect(summary.queues.reduce((n, q) => n + q.jobs, 0)).toBe(120);
    expect(summary.users[0].errors + summary.users[1].errors).toBe(12); // every 10th
  });

  it('filters by user (OAR), queue, state and name (here)', async () => {
    const window = lastHour();
    const errors = await history.page({ ...window, user: 'bob', state: 'Error' }, 0, 500);
    expect(errors.jobs.length).toBeGreaterThan(0);
    expect(errors.jobs.every((j) => j.user === 'bob' && j.state === 'Error')).toBe(true);
    const besteffort = await history.page({ ...window, queue: 'besteffort' }, 0, 500);
    expect(besteffort.total).toBe(40);
    const named = await history.page({ ...window, name: 'PAST-19' }, 0, 500);
    expect(named.jobs.map((j) => j.name)).toEqual(expect.arrayContaining(['past-199']));
    expect(named.jobs.every((j) => j.name!.includes('past-19'))).toBe(true);
  });
});

describe('history query', () => {
  it('refuses a window that ends before it starts, is too wide, or is not a date, naming the field', () => {
    const issue = (query: object) => historyQuerySchema.safeParse(query).error?.issues[0];
    expect(issue({ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' })).toMatchObject({
      path: ['from'],
      message: 'must be before to',
    });
    expect(issue({ from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' })?.message).toMatch(/at most 31 days/);
    expect(issue({ to: 'yesterday' })).toMatchObject({ path: ['to'] });
    expect(issue({ from: '1960-01-01T00:00:00Z', to: '1960-01-02T00:00:00Z' })?.message).toBe(
      'must be a date after 1970',
    );
    expect(issue({ limit: '0' })?.message).toBe('must be a number from 1 to 500');
    expect(issue({ state: 'Running' })?.message).toBe('must be Terminated or Error');
    expect(summaryQuerySchema.safeParse({ user: 'x' }).success).toBe(false);
  });

  it('defaults to the 24 hours up to now, rounded up to 30 s so repeated views share a read', () => {
    const { from, to } = windowOf({}, Date.parse('2026-12-05T12:00:07Z'));
    expect([from.toISOString(), to.toISOString()]).toEqual(['2026-12-04T12:00:30.000Z', '2026-12-05T12:00:30.000Z']);
    expect(windowOf({}, Date.parse('2026-12-05T12:00:29Z')).to).toEqual(to);
  });
});

describe('nodeStateChanges', () => {
  const node = bareNode;
  const batch = (seq: number, ...events: LiveEvent[]): Batch => ({ epoch: 'e', seq, at: `t${seq}`, events });

  it("keeps each state the node went through, once, with the batch's time; removal is null", () => {
    const changes = nodeStateChanges(
      [
        batch(1, { type: 'node.added', node: node('n1', 'Alive') }, { type: 'node.added', node: node('n2', 'Alive') }),
        batch(2, { type: 'node.changed', node: node('n1', 'Alive'), changed: ['jobIds'] }),
        batch(3, { type: 'node.changed', node: node('n1', 'Absent'), changed: ['state'] }),
        batch(4, { type: 'node.changed', node: node('n2', 'Dead'), changed: ['state'] }),
        batch(5, { type: 'node.removed', name: 'n1', node: node('n1', 'Absent') }),
      ],
      'n1',
    );
    expect(changes).toEqual([
      { at: 't1', seq: 1, state: 'Alive' },
      { at: 't3', seq: 3, state: 'Absent' },
      { at: 't5', seq: 5, state: null },
    ]);
  });

  it('follows a node through format-2 deltas, which name only the resources that changed', () => {
    const alive = { ...node('n1', 'Alive'), resources: [1, 2].map((id) => ({ id, state: 'Alive', jobIds: [] })) };
    const absent = (ids: number[]) => ids.map((id) => ({ id, set: { state: 'Absent' } }));
    const changes = nodeStateChanges(
      [
        batch(1, { type: 'node.changed', name: 'n1', resources: absent([1]) }),
        batch(2, { type: 'node.changed', name: 'n1', resources: absent([2]) }),
        batch(3, { type: 'node.changed', name: 'n2', resources: absent([7]) }),
        batch(4, { type: 'node.changed', name: 'n1', resources: [{ id: 1, set: { jobIds: [9] } }] }),
      ],
      'n1',
      alive,
    );
    expect(changes).toEqual([
      { at: 't1', seq: 1, state: 'Alive/Absent' },
      { at: 't2', seq: 2, state: 'Absent' },
    ]);
  });
});
