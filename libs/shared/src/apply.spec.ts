import fc from 'fast-check';
import { nodeSummary, type Job, type Node, type NodeResource } from '@oar-live/oar-client';
import { applyBatch, canonicalSnapshot, compareNodeNames, wholeEvent } from './apply';
import { applyJobDelta, applyNodeDelta, jobDelta, nodeDelta } from './delta';
import type { Batch, LiveEvent, Snapshot } from './events';
import { bareNode } from '../../../test/support/live-fixtures';

/** The obvious definition applyBatch must keep to: last event per key wins, then sort everything. */
function applyBatchBySorting(snapshot: Snapshot, batch: Batch): Snapshot {
  const nodes = new Map(snapshot.nodes.map((n) => [n.name, n]));
  const jobs = new Map(snapshot.jobs.map((j) => [j.id, j]));
  let source = snapshot.source;
  for (const event of batch.events) {
    if ((event.type === 'node.added' || event.type === 'node.changed') && 'node' in event)
      nodes.set(event.node.name, event.node);
    else if (event.type === 'node.removed') nodes.delete(event.name);
    else if ((event.type === 'job.added' || event.type === 'job.changed') && 'job' in event)
      jobs.set(event.job.id, event.job);
    else if (event.type === 'job.removed') jobs.delete(event.id);
    else if (event.type === 'source.status') {
      const { type: _type, ...status } = event;
      source = status;
    }
  }
  return canonicalSnapshot({
    format: 2,
    epoch: batch.epoch,
    seq: batch.seq,
    at: batch.at,
    source,
    nodes: [...nodes.values()],
    jobs: [...jobs.values()],
  });
}

/** Names whose natural order differs from their code-unit order. */
const NAMES = ['node1', 'node2', 'node10', 'node02', 'Node3', 'gpu-1', 'gpu-10', 'a', 'b9', 'b10'];

const nodeArb: fc.Arbitrary<Node> = fc
  .record({ name: fc.constantFrom(...NAMES), state: fc.constantFrom('Alive', 'Absent', 'Dead') })
  .map(({ name, state }) => bareNode(name, state));

const jobArb: fc.Arbitrary<Job> = fc
  .record({ id: fc.integer({ min: 1, max: 12 }), state: fc.constantFrom('Waiting', 'Running') })
  .map(({ id, state }) => ({
    id,
    state,
    name: null,
    user: 'alice',
    queue: 'default',
    command: 'sleep 1',
    submittedAt: '2026-11-25T16:00:00.000Z',
    nodes: [],
    resourceIds: [],
  }));

const eventArb: fc.Arbitrary<LiveEvent> = fc.oneof(
  nodeArb.map((node): LiveEvent => ({ type: 'node.added', node })),
  nodeArb.map((node): LiveEvent => ({ type: 'node.changed', node, changed: ['state'] })),
  nodeArb.map((node): LiveEvent => ({ type: 'node.removed', name: node.name, node })),
  jobArb.map((job): LiveEvent => ({ type: 'job.added', job })),
  jobArb.map((job): LiveEvent => ({ type: 'job.changed', job, changed: ['state'] })),
  jobArb.map((job): LiveEvent => ({ type: 'job.removed', id: job.id, job })),
  fc.constantFrom<LiveEvent>(
    { type: 'source.status', status: 'up' },
    { type: 'source.status', status: 'down', error: 'x' },
  ),
);

const snapshotArb: fc.Arbitrary<Snapshot> = fc
  .record({
    nodes: fc.uniqueArray(nodeArb, { selector: (n) => n.name }),
    jobs: fc.uniqueArray(jobArb, { selector: (j) => j.id }),
  })
  .map(({ nodes, jobs }) =>
    canonicalSnapshot({ epoch: 'e1', seq: 7, at: '2026-11-25T16:00:00.000Z', source: { status: 'up' }, nodes, jobs }),
  );

describe('applyBatch', () => {
  it('gives exactly what applying the events and re-sorting everything gives', () => {
    fc.assert(
      fc.property(snapshotArb, fc.array(eventArb, { maxLength: 30 }), (snapshot, events) => {
        const batch: Batch = { epoch: 'e1', seq: 8, at: '2026-11-25T16:00:02.000Z', events };
        expect(applyBatch(snapshot, batch)).toEqual(applyBatchBySorting(snapshot, batch));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps nodes in natural order when inserting among them', () => {
    const snapshot = canonicalSnapshot({
      epoch: 'e1',
      seq: 1,
      at: 'x',
      source: { status: 'up' },
      nodes: [bareNode('node1'), bareNode('node10')],
      jobs: [],
    });
    const node = bareNode('node2');
    const next = applyBatch(snapshot, { epoch: 'e1', seq: 2, at: 'y', events: [{ type: 'node.added', node }] });
    expect(next.nodes.map((n) => n.name)).toEqual(['node1', 'node2', 'node10']);
    expect([...next.nodes].sort((a, b) => compareNodeNames(a.name, b.name))).toEqual(next.nodes);
  });

  it('refuses a batch that does not follow the snapshot', () => {
    const snapshot: Snapshot = { epoch: 'e1', seq: 3, at: 'x', source: { status: 'up' }, nodes: [], jobs: [] };
    expect(() => applyBatch(snapshot, { epoch: 'e1', seq: 5, at: 'y', events: [] })).toThrow(
      'batch 5 does not follow snapshot 3',
    );
  });

  it('refuses a batch of another history even when its seq follows (the stream was lost and restarted)', () => {
    const snapshot: Snapshot = { epoch: 'e1', seq: 3, at: 'x', source: { status: 'up' }, nodes: [], jobs: [] };
    const job = { id: 9, state: 'Running', name: null, user: 'bob', queue: 'default', command: 'x' } as Job;
    const other: Batch = { epoch: 'e2', seq: 4, at: 'y', events: [{ type: 'job.added', job }] };
    expect(() => applyBatch(snapshot, other)).toThrow('batch 4 of epoch e2 belongs to another history');
  });
});

/** A node as buildNodes makes it: resources 1..4 of it (some missing), summary from them. */
const fullNodeArb = (name: string): fc.Arbitrary<Node> =>
  fc
    .uniqueArray(
      fc.record(
        {
          id: fc.integer({ min: 1, max: 4 }),
          state: fc.constantFrom('Alive', 'Absent', 'Dead'),
          drain: fc.boolean(),
          cpuset: fc.integer({ min: 0, max: 3 }),
          jobIds: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }),
        },
        { requiredKeys: ['id', 'state', 'jobIds'] },
      ),
      { selector: (r) => r.id, minLength: 1 },
    )
    .map((rows): Node => {
      const resources: NodeResource[] = rows.sort((a, b) => a.id - b.id);
      return { name, resources, ...nodeSummary(resources) };
    });

const fullJobArb: fc.Arbitrary<Job> = fc.record(
  {
    id: fc.constant(3),
    name: fc.option(fc.constantFrom('a', 'b'), { nil: null }),
    user: fc.constant('alice'),
    queue: fc.constantFrom('default', 'besteffort'),
    state: fc.constantFrom('Waiting', 'Running', 'Finishing'),
    command: fc.constant('sleep 1'),
    submittedAt: fc.constant('2026-11-25T16:00:00.000Z'),
    startedAt: fc.constant('2026-11-25T16:00:02.000Z'),
    exitCode: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    nodes: fc.subarray(['node1', 'node2']),
    resourceIds: fc.subarray([1, 2, 3]),
  },
  { requiredKeys: ['id', 'name', 'user', 'queue', 'state', 'command', 'submittedAt', 'nodes', 'resourceIds'] },
);

describe('deltas', () => {
  it('give back exactly the new node or job, and nothing when nothing changed', () => {
    fc.assert(
      fc.property(fullNodeArb('node1'), fullNodeArb('node1'), fullJobArb, fullJobArb, (a, b, x, y) => {
        const delta = nodeDelta(a, b);
        if (delta) expect(applyNodeDelta(a, delta)).toEqual(b);
        else expect(a).toEqual(b);
        expect(nodeDelta(a, structuredClone(a))).toBeUndefined();
        const change = jobDelta(x, y);
        if (change) expect(applyJobDelta(x, change)).toEqual(y);
        else expect(x).toEqual(y);
      }),
      { numRuns: 500 },
    );
  });

  it('applied in a batch give the snapshot the whole forms give, and read back as the whole forms', () => {
    const nodesArb = fc.tuple(...['node1', 'node2', 'node10'].map(fullNodeArb));
    fc.assert(
      fc.property(nodesArb, nodesArb, fullJobArb, fullJobArb, (before, after, job, changedJob) => {
        const snapshot = canonicalSnapshot({
          epoch: 'e1',
          seq: 1,
          at: 'x',
          source: { status: 'up' },
          nodes: before,
          jobs: [job],
        });
        const deltas: LiveEvent[] = [];
        const wholes: LiveEvent[] = [];
        after.forEach((node, i) => {
          const delta = nodeDelta(before[i], node);
          if (!delta) return;
          deltas.push({ type: 'node.changed', name: node.name, ...delta });
          wholes.push({ type: 'node.changed', node });
        });
        const change = jobDelta(job, changedJob);
        if (change) {
          deltas.push({ type: 'job.changed', id: job.id, ...change });
          wholes.push({ type: 'job.changed', job: changedJob });
        }
        const next = applyBatch(snapshot, { epoch: 'e1', seq: 2, at: 'y', events: deltas });
        expect(next).toEqual(applyBatch(snapshot, { epoch: 'e1', seq: 2, at: 'y', events: wholes }));
        const read = deltas.map((event) => wholeEvent(event, snapshot, next));
        expect(read.map((e) => ('node' in e ? e.node : 'job' in e ? e.job : e))).toEqual(
          wholes.map((e) => ('node' in e ? e.node : 'job' in e ? e.job : e)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('refuse a delta for a node the snapshot does not hold', () => {
    const snapshot: Snapshot = { epoch: 'e1', seq: 3, at: 'x', source: { status: 'up' }, nodes: [], jobs: [] };
    const events: LiveEvent[] = [
      { type: 'node.changed', name: 'node9', resources: [{ id: 1, set: { state: 'Dead' } }] },
    ];
    expect(() => applyBatch(snapshot, { epoch: 'e1', seq: 4, at: 'y', events })).toThrow(
      'batch 4 changes node node9, which snapshot 3 lacks',
    );
  });
});
