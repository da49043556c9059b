import type { Job, Node } from '@oar-live/oar-client';
import type { Batch, LiveEvent } from '@oar-live/shared';
import { GanttModel } from './gantt-model';

const makeNode = (name: string, { cores, firstId }: { cores: number; firstId: number }): Node => ({
  name,
  state: 'Alive',
  resources: Array.from({ length: cores }, (_, i) => ({ id: firstId + i, state: 'Alive', jobIds: [] })),
  jobIds: [],
  busyCores: 0,
  totalCores: cores,
});
const makeJob = (id: number, patch: Partial<Job>): Job => ({
  id,
  name: null,
  user: 'alice',
  queue: 'default',
  state: 'Waiting',
  command: 'sleep 1',
  submittedAt: '2026-12-05T03:00:00.000Z',
  nodes: [],
  resourceIds: [],
  ...patch,
});
const batch = (seq: number, events: LiveEvent[]): Batch => ({
  epoch: 'e',
  seq,
  at: '2026-12-05T04:00:00.000Z',
  events,
});

const nodes: Node[] = [1, 2, 3].map((n) => makeNode(`node${n}`, { cores: 2, firstId: (n - 1) * 2 + 1 }));
const t = (minutes: number) => new Date(Date.UTC(2026, 11, 5, 4, minutes)).toISOString();
const running = makeJob(1, { state: 'Running', startedAt: t(0), walltime: 600, resourceIds: [1, 2, 3, 4] });
const planned = makeJob(2, { scheduledStart: t(11), walltime: 300, plannedResourceIds: [3] });
const reservation = makeJob(3, {
  scheduledStart: t(60),
  walltime: 1800,
  plannedResourceIds: [6],
  reservation: 'Scheduled',
});
const unplanned = makeJob(4, {});

function model(jobs: Job[] = [running, planned, reservation, unplanned]): GanttModel {
  const m = new GanttModel();
  m.setSnapshot(nodes, jobs);
  return m;
}

describe('GanttModel', () => {
  it('draws running jobs to start + walltime and waiting jobs at their predicted place and time, in runs of rows', () => {
    const m = model();
    expect(m.rows).toEqual([1, 2, 3, 4, 5, 6]);
    expect(m.groups.map((g) => [g.label, g.firstRow, g.rowCount])).toEqual([
      ['node1', 0, 2],
      ['node2', 2, 2],
      ['node3', 4, 2],
    ]);
    expect(
      [...m.bars.values()].map(({ jobId, kind, start, end, runs }) => ({ jobId, kind, start, end, runs })),
    ).toEqual([
      { jobId: 1, kind: 'running', start: Date.parse(t(0)), end: Date.parse(t(10)), runs: [[0, 3]] },
      { jobId: 2, kind: 'planned', start: Date.parse(t(11)), end: Date.parse(t(16)), runs: [[2, 2]] },
      { jobId: 3, kind: 'reservation', start: Date.parse(t(60)), end: Date.parse(t(90)), runs: [[5, 5]] },
    ]);
    expect(m.nodesOf(m.bars.get(1)!)).toEqual(['node1', 'node2']);
  });

  it('keeps a finished job with the cores it held, moves a changed prediction, and names the bar under a point', () => {
    const m = model();
    const moved = { ...planned, scheduledStart: t(2) };
    m.applyBatch(
      batch(2, [
        { type: 'job.removed', id: 1, job: { ...running, state: 'Error', stoppedAt: t(1), resourceIds: [] } },
        { type: 'job.changed', job: moved, changed: ['scheduledStart'] },
      ]),
      () => ({ nodes, jobs: [moved] }),
    );
    expect(m.bars.get(1)).toMatchObject({ kind: 'finished', end: Date.parse(t(1)), runs: [[0, 3]] });
    expect(m.bars.get(2)).toMatchObject({ kind: 'planned', start: Date.parse(t(2)) });
    // Event format 2: a delta names the job; the bar follows the snapshot's job after the batch.
    const movedAgain = { ...planned, scheduledStart: t(3) };
    m.applyBatch(batch(3, [{ type: 'job.changed', id: 2, set: { scheduledStart: t(3) } }]), () => ({
      nodes,
      jobs: [movedAgain],
    }));
    expect(m.bars.get(2)).toMatchObject({ kind: 'planned', start: Date.parse(t(3)) });
    expect(m.barAt(2, Date.parse(t(0)) + 30_000)?.jobId).toBe(1);
    expect(m.barAt(2, Date.parse(t(3)))?.jobId).toBe(2);
    expect(m.barAt(5, Date.parse(t(3)))).toBeUndefined();
    m.forgetBefore(Date.parse(t(5)));
    expect(m.bars.has(1)).toBe(false);
  });

  it('groups rows by a resource property and follows nodes joining', () => {
    const m = model();
    const byCpu = nodes.map((node, i) => ({ ...node, resources: node.resources.map((r) => ({ ...r, cpu: i % 2 })) }));
    m.setNodes(byCpu, 'cpu');
    expect(m.groups.map((g) => [g.label, g.rowCount])).toEqual([
      ['cpu=0', 4],
      ['cpu=1', 2],
    ]);
    expect(m.bars.get(3)!.runs).toEqual([[3, 3]]);
    const more = [...nodes, makeNode('node4', { cores: 2, firstId: 7 })];
    m.setNodes(nodes, 'node');
    m.applyBatch(batch(2, [{ type: 'node.added', node: more[3] }]), () => ({ nodes: more, jobs: [] }));
    expect(m.rows).toHaveLength(8);
  });

  it("groups rows by a site property each resource holds itself (a node's cores on two switches split)", () => {
    const m = model();
    const onSwitches = nodes.map((node, n) => ({
      ...node,
      properties: { switch: n === 0 ? 'sw1/sw2' : 'sw2' },
      resources: node.resources.map((r, i) => ({
        ...r,
        properties: (n === 0 && i === 0 ? { switch: 'sw1' } : n === 2 ? {} : { switch: 'sw2' }) as Record<
          string,
          string
        >,
      })),
    }));
    m.setNodes(onSwitches, 'switch');
    expect(m.groups.map((g) => [g.label, g.rowCount])).toEqual([
      ['switch=sw1', 1],
      ['switch=sw2', 3],
      ['switch=(none)', 2],
    ]);
  });
});
