import type { Job, Node } from '@oar-live/oar-client';
import { applyBatch, EVENT_FORMAT, type Batch, type Snapshot } from '@oar-live/shared';
import { DiffBasis } from './diff-basis';
import { diffCluster, type ClusterState } from './differ';

const node = (name: string, state: string): Node => ({
  name,
  state,
  resources: [1, 2, 3, 4].map((core) => ({ id: core, node: name, state, core, jobIds: [] })),
  jobIds: [],
  busyCores: 0,
  totalCores: 4,
  properties: {},
});
const job = (id: number, state: string): Job => ({
  id,
  name: null,
  user: 'alice',
  queue: 'default',
  state,
  command: 'sleep 1',
  submittedAt: '2026-12-05T10:00:00.000Z',
  resourceIds: [],
  nodes: [],
});

const snapshot = (state: ClusterState, seq: number): Snapshot => ({
  format: EVENT_FORMAT,
  epoch: 'e1',
  seq,
  at: new Date(seq).toISOString(),
  source: { status: 'up' },
  ...state,
});

/** What the poller does: diff against the basis, "append" (apply) the batch, remember. */
function poll(basis: DiffBasis, current: Snapshot, read: ClusterState): { batch: Batch | null; after: Snapshot } {
  const events = diffCluster(basis.against(current), read);
  const batch =
    events.length > 0 ? { format: EVENT_FORMAT, epoch: 'e1', seq: current.seq + 1, at: current.at, events } : null;
  const after = batch ? applyBatch(current, batch) : current;
  basis.remember(read, { changed: events.length > 0, batch, previous: current, current: after });
  return { batch, after };
}

describe('DiffBasis', () => {
  const first: ClusterState = { nodes: [node('n1', 'Alive'), node('n2', 'Alive')], jobs: [job(1, 'Waiting')] };

  it('is the snapshot itself until a poll read what it holds', () => {
    const current = snapshot(first, 1);
    expect(new DiffBasis().against(current)).toBe(current);
  });

  it("gives the last reading's own objects once its batch is the snapshot, though applying deltas made copies", () => {
    const basis = new DiffBasis();
    const loaded = snapshot(JSON.parse(JSON.stringify(first)) as ClusterState, 1); // as reloaded from Redis: copies
    const quiet = poll(basis, loaded, first);
    expect(quiet.batch).toBeNull();
    expect(basis.against(quiet.after).nodes[0]).toBe(first.nodes[0]);

    const second: ClusterState = { nodes: [node('n1', 'Absent'), first.nodes[1]], jobs: [job(1, 'Running')] };
    const changed = poll(basis, quiet.after, second);
    expect(changed.after.nodes[0]).not.toBe(second.nodes[0]); // the delta's copy
    const against = basis.against(changed.after);
    expect(against.nodes.map((n, i) => n === second.nodes[i])).toEqual([true, true]);
    expect(against.jobs[0]).toBe(second.jobs[0]);
    // The same diff as against the snapshot: nothing changed since.
    expect(diffCluster(against, second)).toEqual(diffCluster(changed.after, second));
    expect(diffCluster(against, second)).toEqual([]);
  });

  it('is the snapshot again when something else changed it (a reload, another batch)', () => {
    const basis = new DiffBasis();
    const current = snapshot(first, 1);
    poll(basis, current, first);
    const reloaded = snapshot(first, 1);
    expect(basis.against(reloaded)).toBe(reloaded);
  });

  it('keeps what it had when the poll found changes but its batch was not appended (the lease was lost)', () => {
    const basis = new DiffBasis();
    const current = snapshot(first, 1);
    poll(basis, current, first);
    const unseen: ClusterState = { nodes: first.nodes, jobs: [job(1, 'Running')] };
    basis.remember(unseen, { changed: true, batch: null, previous: current, current });
    expect(basis.against(current)).toBe(first);
    expect(diffCluster(basis.against(current), unseen)).toHaveLength(1);
  });
});
