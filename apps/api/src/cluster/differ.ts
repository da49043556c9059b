import type { Job } from '@oar-live/oar-client';
import { compareNodeNames, type LiveEvent, type Snapshot } from '@oar-live/shared';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** The part of a snapshot a poll observes: what the differ compares. */
export type ClusterState = Pick<Snapshot, 'nodes' | 'jobs'>;

/**
 * Equality under JSON semantics: a missing property equals `undefined`, because every state the
 * differ compares may have made a round trip through Redis (JSON drops `undefined`), and
 * `util.isDeepStrictEqual` would call those different and emit spurious changes.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => sameJson(item, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key of Object.keys(left)) if (!sameJson(left[key], right[key])) return false;
  for (const key of Object.keys(right)) if (!(key in left) && right[key] !== undefined) return false;
  return true;
}

/** Names of the top-level fields whose values differ, in a stable (sorted) order. */
export function changedFields(before: object, after: object): string[] {
  const left = before as Record<string, unknown>;
  const right = after as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].filter((key) => !sameJson(left[key], right[key])).sort();
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
  const nodeNames = [...new Set([...oldNodes.keys(), ...newNodes.keys()])].sort(compareNodeNames);
  for (const name of nodeNames) {
    const before = oldNodes.get(name);
    const after = newNodes.get(name);
    if (!before) yield { type: 'node.added', node: after! };
    else if (!after) yield { type: 'node.removed', name, node: before };
    else {
      const changed = changedFields(before, after);
      if (changed.length > 0) yield { type: 'node.changed', node: after, changed };
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
      const changed = changedFields(before, after);
      if (changed.length > 0) yield { type: 'job.changed', job: after, changed };
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
  await nextTurn(); // the caller's turn has done its share (building the new state)
  for (const step of diffSteps(previous, next, finals)) {
    if (step !== TICK) events.push(step);
    else if (++work % chunk === 0) await nextTurn();
  }
  return events;
}
