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
import { ownTurn } from '../common/turn-pacer';

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
  const oldNodes = new Map(previous.nodes.map((n) => [n.name, n]));
  const newNodes = new Map(next.nodes.map((n) => [n.name, n]));
  // Both lists are in canonical order: with the same names, that order is the merged one. Sorting
  // 3,000 names with the collator took a blocking 20-100 ms each poll.
  const sameNames =
    previous.nodes.length === next.nodes.length && previous.nodes.every((n, i) => n.name === next.nodes[i].name);
  const nodeNames = sameNames
    ? next.nodes.map((n) => n.name)
    : [...new Set([...oldNodes.keys(), ...newNodes.keys()])].sort(compareNodeNames);
  for (const name of nodeNames) {
    const before = oldNodes.get(name);
    const after = newNodes.get(name);
    if (!before) yield { type: 'node.added', node: after! };
    else if (!after) yield { type: 'node.removed', name, node: before };
    else if (before !== after) {
      const event = change(NODE_FORMS, before, after);
      if (event) yield event;
    }
    yield TICK;
  }
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
 * Same result as `diffCluster`, but gives the event loop a turn every `chunk` items so a
 * 25,000-resource diff never blocks sockets for long.
 */
export async function diffClusterChunked(
  previous: ClusterState,
  next: ClusterState,
  finals?: ReadonlyMap<number, Job>,
  chunk = 500,
): Promise<LiveEvent[]> {
  const events: LiveEvent[] = [];
  let work = 0;
  await ownTurn(); // the caller's turn has done its share (building the new state)
  for (const step of diffSteps(previous, next, finals)) {
    if (step !== TICK) events.push(step);
    else if (++work % chunk === 0) await ownTurn();
  }
  return events;
}
