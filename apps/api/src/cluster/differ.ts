import type { Job } from '@oar-live/oar-client';
import type { Node } from '@oar-live/oar-client';
import {
  applyJobDelta,
  applyNodeDelta,
  changedFields,
  compareNodeNames,
  jobDelta,
  nodeDelta,
  sameJson,
  type JobDelta,
  type LiveEvent,
  type NodeDelta,
  type Snapshot,
} from '@oar-live/shared';
import { ownTurn, turnPacer } from '../common/turn-pacer';

/** The part of a snapshot a poll observes: what the differ compares. */
export type ClusterState = Pick<Snapshot, 'nodes' | 'jobs'>;

export { changedFields, sameJson };

/** How one kind of item (node or job) is sent when it changed: whole, or as a delta. */
interface ChangeForms<T, D> {
  whole(after: T, changed: string[]): LiveEvent;
  delta(before: T, after: T): D | undefined;
  apply(before: T, delta: D): T;
  deltaEvent(after: T, delta: D): LiveEvent;
}

const NODE_FORMS: ChangeForms<Node, NodeDelta> = {
  whole: (node, changed) => ({ type: 'node.changed', node, changed }),
  delta: nodeDelta,
  apply: applyNodeDelta,
  deltaEvent: (node, delta) => ({ type: 'node.changed', name: node.name, ...delta }),
};

const JOB_FORMS: ChangeForms<Job, JobDelta> = {
  whole: (job, changed) => ({ type: 'job.changed', job, changed }),
  delta: jobDelta,
  apply: applyJobDelta,
  deltaEvent: (job, delta) => ({ type: 'job.changed', id: job.id, ...delta }),
};

/**
 * A changed item as the smaller of its delta and the whole item. The delta is used only when it
 * gives back exactly `after` (a node delta leaves out the fields that follow from the resources).
 */
function change<T extends object, D>(forms: ChangeForms<T, D>, before: T, after: T): LiveEvent | undefined {
  // The reader keeps the objects of unchanged nodes (buildDirtyNodes): most of 5,000 are the same.
  if (before === after) return undefined;
  const changed = changedFields(before, after);
  if (changed.length === 0) return undefined;
  const whole = forms.whole(after, changed);
  const delta = forms.delta(before, after);
  if (!delta || !sameJson(forms.apply(before, delta), after)) return whole;
  const partial = forms.deltaEvent(after, delta);
  return JSON.stringify(partial).length < JSON.stringify(whole).length ? partial : whole;
}

/** A marker the generator yields after each compared item so callers can pace long diffs. */
export const TICK = Symbol('tick');

/**
 * The diff as a generator of events and TICKs (one per compared item), so the same code serves
 * the synchronous `diffCluster` and the chunked `diffClusterChunked` that yields the event loop.
 * Order within a batch: node events by node name, then job events by job id.
 * `finals` gives the final state OAR reported for jobs that left the list (for `job.removed`).
 */
export function* diffSteps(
  previous: ClusterState,
  next: ClusterState,
  finals: ReadonlyMap<number, Job> = new Map(),
): Generator<LiveEvent | typeof TICK> {
  // Both lists are in canonical order: with the same names, that order is the merged one, and the
  // pairs are at the same index. Sorting 3,000 names with the collator took a blocking 20-100 ms each
  // poll; indexing 5,000 nodes twice by name, in the diff's first turn, is not needed either.
  const sameNames =
    previous.nodes.length === next.nodes.length && previous.nodes.every((n, i) => n.name === next.nodes[i].name);
  if (sameNames) {
    for (let i = 0; i < next.nodes.length; i++) {
      const event = change(NODE_FORMS, previous.nodes[i], next.nodes[i]);
      if (event) yield event;
      yield TICK;
    }
  } else yield* renamedNodeSteps(previous.nodes, next.nodes);
  const oldJobs = new Map(previous.jobs.map((j) => [j.id, j]));
  const newJobs = new Map(next.jobs.map((j) => [j.id, j]));
  const jobIds = [...new Set([...oldJobs.keys(), ...newJobs.keys()])].sort((a, b) => a - b);
  for (const id of jobIds) {
    const before = oldJobs.get(id);
    const after = newJobs.get(id);
    if (!before) yield { type: 'job.added', job: after! };
    else if (!after) yield { type: 'job.removed', id, job: finals.get(id) ?? before };
    else {
      const event = change(JOB_FORMS, before, after);
      if (event) yield event;
    }
    yield TICK;
  }
}

/** The node steps of a diff where nodes came or went: matched by name, in merged canonical order. */
function* renamedNodeSteps(previous: readonly Node[], next: readonly Node[]): Generator<LiveEvent | typeof TICK> {
  const oldNodes = new Map(previous.map((n) => [n.name, n]));
  const newNodes = new Map(next.map((n) => [n.name, n]));
  const nodeNames = [...new Set([...oldNodes.keys(), ...newNodes.keys()])].sort(compareNodeNames);
  for (const name of nodeNames) {
    const before = oldNodes.get(name);
    const after = newNodes.get(name);
    if (!before) yield { type: 'node.added', node: after! };
    else if (!after) yield { type: 'node.removed', name, node: before };
    else {
      const event = change(NODE_FORMS, before, after);
      if (event) yield event;
    }
    yield TICK;
  }
}

/** (previous state, new state) → the events that turn one into the other. Pure. */
export function diffCluster(
  previous: ClusterState,
  next: ClusterState,
  finals?: ReadonlyMap<number, Job>,
): LiveEvent[] {
  const events: LiveEvent[] = [];
  for (const step of diffSteps(previous, next, finals)) if (step !== TICK) events.push(step);
  return events;
}

/**
 * Same result as `diffCluster`, but gives the event loop a turn whenever `pace` says the slice is
 * used up, so a 25,000-resource diff never blocks sockets for long. Paced by time, not by a count of
 * items: a 250-change batch puts all its changes in the first 250 nodes, and comparing 500 items a
 * turn held the event loop for 39-46 ms in that turn (5,000 nodes, oar-sim bench); the unchanged
 * nodes after them cost next to nothing.
 */
export async function diffClusterChunked(
  previous: ClusterState,
  next: ClusterState,
  finals?: ReadonlyMap<number, Job>,
  pace: () => Promise<void> = turnPacer(),
): Promise<LiveEvent[]> {
  const events: LiveEvent[] = [];
  await ownTurn(); // the caller's turn has done its share (building the new state)
  for (const step of diffSteps(previous, next, finals)) {
    if (step !== TICK) events.push(step);
    else await pace();
  }
  return events;
}
