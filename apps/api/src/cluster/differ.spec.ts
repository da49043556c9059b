import fc from 'fast-check';
import { nodeSummary, type Job, type Node, type Resource } from '@oar-live/oar-client';
import { applyBatch, canonicalSnapshot, changedFields, type Snapshot } from '@oar-live/shared';
import { diffCluster, diffClusterChunked, sameJson, type ClusterState } from './differ';
import { ownTurn } from '../common/turn-pacer';

const resourceArb = (node: string, id: number): fc.Arbitrary<Resource> =>
  fc.record(
    {
      id: fc.constant(id),
      node: fc.constant(node),
      state: fc.constantFrom('Alive', 'Absent', 'Suspected', 'Dead'),
      cpu: fc.integer({ min: 0, max: 3 }),
      core: fc.integer({ min: 0, max: 3 }),
      drain: fc.boolean(),
      jobIds: fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { maxLength: 2 }),
      properties: fc.dictionary(fc.constantFrom('cluster', 'switch', 'gpu'), fc.constantFrom('a', 'b')),
    },
    { requiredKeys: ['id', 'node', 'state', 'jobIds'] },
  );

const nodeArb = (index: number): fc.Arbitrary<Node> => {
  const name = `node${index}`;
  return fc
    .tuple(
      fc
        .subarray([1, 2, 3], { minLength: 1 })
        .chain((slots) => fc.tuple(...slots.map((slot) => resourceArb(name, index * 10 + slot)))),
      // Mostly a node as buildNodes makes it (summary from its resources), sometimes one whose state
      // does not follow from them, which a delta cannot carry.
      fc.option(fc.constantFrom('Alive', 'Absent', 'Alive/Absent', 'Dead'), { freq: 3 }),
      fc.dictionary(fc.constantFrom('cluster', 'switch', 'gpu'), fc.constantFrom('a', 'b', 'a/b')),
    )
    .map(([resources, state, properties]) => {
      const rows = resources.map(({ node: _node, ...row }) => row);
      return { name, resources: rows, ...nodeSummary(rows), properties, ...(state !== null && { state }) };
    });
};

const jobArb = (id: number): fc.Arbitrary<Job> =>
  fc.record(
    {
      id: fc.constant(id),
      name: fc.option(fc.constantFrom('a', 'b'), { nil: null }),
      user: fc.constantFrom('alice', 'bob'),
      queue: fc.constantFrom('default', 'besteffort'),
      state: fc.constantFrom('Waiting', 'toLaunch', 'Launching', 'Running', 'Finishing'),
      command: fc.constantFrom('sleep 1', 'hostname'),
      submittedAt: fc.constant('2026-11-25T16:00:00.000Z'),
      startedAt: fc.constant('2026-11-25T16:00:02.000Z'),
      exitCode: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
      nodes: fc.subarray(['node1', 'node2']),
      resourceIds: fc.subarray([11, 12, 21]),
    },
    { requiredKeys: ['id', 'name', 'user', 'queue', 'state', 'command', 'submittedAt', 'nodes', 'resourceIds'] },
  );

/** A random cluster: a subset of node1..node5 and of job ids 1..8, each with random content. */
const stateArb: fc.Arbitrary<ClusterState> = fc.record({
  nodes: fc.subarray([1, 2, 3, 4, 5]).chain((ids) => (ids.length ? fc.tuple(...ids.map(nodeArb)) : fc.constant([]))),
  jobs: fc
    .subarray([1, 2, 3, 4, 5, 6, 7, 8])
    .chain((ids) => (ids.length ? fc.tuple(...ids.map(jobArb)) : fc.constant([]))),
});

const snapshotOf = (state: ClusterState, seq = 0): Snapshot =>
  canonicalSnapshot({ seq, at: '2026-11-25T16:00:00.000Z', source: { status: 'up' }, ...state } as Snapshot);

describe('diffCluster', () => {
  it('turns the first snapshot into the last when its batches are applied in order (random histories)', () => {
    fc.assert(
      fc.property(fc.array(stateArb, { minLength: 2, maxLength: 7 }), (history) => {
        let applied = snapshotOf(history[0]);
        for (let i = 1; i < history.length; i++) {
          const events = diffCluster(history[i - 1], history[i]);
          if (events.length > 0)
            applied = applyBatch(applied, { epoch: applied.epoch, seq: applied.seq + 1, at: applied.at, events });
        }
        const expected = snapshotOf(history[history.length - 1], applied.seq);
        expect(applied.nodes).toEqual(expected.nodes);
        expect(applied.jobs).toEqual(expected.jobs);
      }),
      { numRuns: 300 },
    );
  });

  it('gives no events for a poll that changed nothing, even after a JSON round trip', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        expect(diffCluster(state, structuredClone(state))).toEqual([]);
        expect(diffCluster(state, JSON.parse(JSON.stringify(state)) as ClusterState)).toEqual([]);
      }),
    );
  });

  it('gives the same events paced (a turn after every item) as in one go', async () => {
    await fc.assert(
      fc.asyncProperty(stateArb, stateArb, async (a, b) => {
        expect(await diffClusterChunked(a, b, undefined, ownTurn)).toEqual(diffCluster(a, b));
      }),
      { numRuns: 100 },
    );
  });

  it('names the changed fields and reports vanished jobs with their final state', () => {
    const node = (state: string): Node => ({
      name: 'node1',
      state,
      resources: [{ id: 1, state, jobIds: [] }],
      properties: {},
      jobIds: [],
      busyCores: 0,
      totalCores: 1,
    });
    const job: Job = {
      id: 4,
      name: null,
      user: 'alice',
      queue: 'default',
      state: 'Running',
      command: 'sleep 5',
      submittedAt: '2026-11-25T16:00:00.000Z',
      nodes: ['node1'],
      resourceIds: [1],
    };
    const final: Job = { ...job, state: 'Terminated', exitCode: 0, stoppedAt: '2026-11-25T16:00:09.000Z' };
    const events = diffCluster(
      { nodes: [node('Alive')], jobs: [job] },
      { nodes: [node('Absent')], jobs: [] },
      new Map([[4, final]]),
    );
    expect(events).toEqual([
      { type: 'node.changed', name: 'node1', resources: [{ id: 1, set: { state: 'Absent' } }] },
      { type: 'job.removed', id: 4, job: final },
    ]);
  });

  it('sends the whole node when its summary does not follow from its resources', () => {
    const node: Node = {
      name: 'node1',
      state: 'Alive',
      resources: [{ id: 1, state: 'Alive', jobIds: [] }],
      jobIds: [],
      busyCores: 0,
      totalCores: 1,
    };
    const odd: Node = { ...node, state: 'Dead', resources: [{ id: 1, state: 'Absent', jobIds: [] }] };
    expect(diffCluster({ nodes: [node], jobs: [] }, { nodes: [odd], jobs: [] })).toEqual([
      { type: 'node.changed', node: odd, changed: ['resources', 'state'] },
    ]);
  });

  it('sends a change as a delta only when the delta is the smaller form', () => {
    fc.assert(
      fc.property(stateArb, stateArb, (a, b) => {
        for (const event of diffCluster(a, b)) {
          // The whole form as it would be sent: the item and the names of its changed fields.
          if (event.type === 'node.changed' && !('node' in event)) {
            const [before, node] = [a, b].map((state) => state.nodes.find((n) => n.name === event.name)!);
            const whole = { type: event.type, node, changed: changedFields(before, node) };
            expect(JSON.stringify(event).length).toBeLessThan(JSON.stringify(whole).length);
          } else if (event.type === 'job.changed' && !('job' in event)) {
            const [before, job] = [a, b].map((state) => state.jobs.find((j) => j.id === event.id)!);
            const whole = { type: event.type, job, changed: changedFields(before, job) };
            expect(JSON.stringify(event).length).toBeLessThan(JSON.stringify(whole).length);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('treats a missing property as equal to undefined, and nothing else', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: [1, { c: undefined }] }, { a: [1, {}] })).toBe(true);
    expect(sameJson({ a: null }, {})).toBe(false);
    expect(sameJson([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  });
});
