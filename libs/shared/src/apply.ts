import { compareNodeNames, type Job, type Node } from '@oar-live/oar-client';
import { applyJobDelta, applyNodeDelta, changedFields, EVENT_FORMAT } from './delta';
import type { Batch, JobDeltaEvent, LiveEvent, NodeDeltaEvent, Snapshot, SourceStatus } from './events';

/** Canonical node order lives with the domain model (oar-client's buildNodes uses it); re-exported for existing importers. */
export { compareNodeNames };

const compareJobIds = (a: number, b: number) => a - b;

/** Puts nodes and jobs in the canonical order: nodes by natural name, jobs by id. */
export function canonicalSnapshot(snapshot: Snapshot): Snapshot {
  return {
    ...snapshot,
    nodes: [...snapshot.nodes].sort((a, b) => compareNodeNames(a.name, b.name)),
    jobs: [...snapshot.jobs].sort((a, b) => compareJobIds(a.id, b.id)),
  };
}

/**
 * Whether `batch` belongs to `snapshot`'s history: the same epoch, or any epoch for the snapshot of
 * a stream nobody wrote yet (epoch "", seq 0), which takes the epoch its first batch names.
 */
export function sameHistory(snapshot: Pick<Snapshot, 'epoch' | 'seq'>, batch: Pick<Batch, 'epoch'>): boolean {
  return batch.epoch === snapshot.epoch || (snapshot.epoch === '' && snapshot.seq === 0);
}

/**
 * Applies one batch to a snapshot in canonical order (pure), giving a snapshot in canonical order.
 * The core invariant of the event stream is that applying every batch after `snapshot.seq`, in
 * order, gives the snapshot the server holds now.
 * A batch that does not follow `snapshot.seq`, or of another epoch, is a gap: the caller must resynchronise.
 * Costs O(changes × log size) comparisons plus one array copy: a batch of 250 changes to 5,000
 * nodes must not re-sort the whole cluster (it runs before every fan-out and in every browser).
 */
export function applyBatch(snapshot: Snapshot, batch: Batch): Snapshot {
  if (!sameHistory(snapshot, batch)) {
    throw new RangeError(
      `batch ${batch.seq} of epoch ${batch.epoch} belongs to another history than snapshot ${snapshot.seq} of epoch ${snapshot.epoch}`,
    );
  }
  if (batch.seq !== snapshot.seq + 1) {
    throw new RangeError(`batch ${batch.seq} does not follow snapshot ${snapshot.seq}`);
  }
  /** The last word of the batch on each node / job: its new value, or null when removed. */
  const nodes = new Map<string, Node | null>();
  const jobs = new Map<number, Job | null>();
  /** A delta applies to the batch's own earlier word on the item, else to the snapshot's. */
  const currentNode = (name: string) => {
    const node = nodes.has(name) ? nodes.get(name) : findNode(snapshot, name);
    if (!node) throw new RangeError(`batch ${batch.seq} changes node ${name}, which snapshot ${snapshot.seq} lacks`);
    return node;
  };
  const currentJob = (id: number) => {
    const job = jobs.has(id) ? jobs.get(id) : findJob(snapshot, id);
    if (!job) throw new RangeError(`batch ${batch.seq} changes job ${id}, which snapshot ${snapshot.seq} lacks`);
    return job;
  };
  let source: SourceStatus = snapshot.source;
  for (const event of batch.events) {
    switch (event.type) {
      case 'node.added':
      case 'node.changed':
        if ('node' in event) nodes.set(event.node.name, event.node);
        else nodes.set(event.name, applyNodeDelta(currentNode(event.name), event));
        break;
      case 'node.removed':
        nodes.set(event.name, null);
        break;
      case 'job.added':
      case 'job.changed':
        if ('job' in event) jobs.set(event.job.id, event.job);
        else jobs.set(event.id, applyJobDelta(currentJob(event.id), event));
        break;
      case 'job.removed':
        jobs.set(event.id, null);
        break;
      case 'source.status': {
        const { type: _type, ...status } = event;
        source = status;
        break;
      }
      case 'operation.updated':
        break;
    }
  }
  return {
    format: EVENT_FORMAT,
    epoch: batch.epoch,
    seq: batch.seq,
    at: batch.at,
    source,
    nodes: mergeSorted(snapshot.nodes, nodes, (node) => node.name, compareNodeNames),
    jobs: mergeSorted(snapshot.jobs, jobs, (job) => job.id, compareJobIds),
  };
}

/** The node named `name` in a canonical snapshot (binary search). */
export function findNode(snapshot: Pick<Snapshot, 'nodes'>, name: string): Node | undefined {
  const i = lowerBound(snapshot.nodes, name, (node) => node.name, compareNodeNames);
  return snapshot.nodes[i]?.name === name ? snapshot.nodes[i] : undefined;
}

/** The job `id` in a canonical snapshot (binary search). */
export function findJob(snapshot: Pick<Snapshot, 'jobs'>, id: number): Job | undefined {
  const i = lowerBound(snapshot.jobs, id, (job) => job.id, compareJobIds);
  return snapshot.jobs[i]?.id === id ? snapshot.jobs[i] : undefined;
}

/** An event in the whole-node / whole-job form of format 1. */
export type WholeEvent = Exclude<LiveEvent, NodeDeltaEvent | JobDeltaEvent>;

/**
 * `event`, from the batch that turned `before` into `after`, in its whole form: a delta becomes the
 * node or job as `after` holds it, with the names of the fields that changed. For readers that
 * show events (a feed) rather than apply them.
 */
export function wholeEvent(event: LiveEvent, before: Snapshot, after: Snapshot): WholeEvent {
  if (event.type === 'node.changed' && !('node' in event)) {
    const node = findNode(after, event.name)!;
    return { type: 'node.changed', node, changed: changedFields(findNode(before, event.name) ?? {}, node) };
  }
  if (event.type === 'job.changed' && !('job' in event)) {
    const job = findJob(after, event.id)!;
    return { type: 'job.changed', job, changed: changedFields(findJob(before, event.id) ?? {}, job) };
  }
  return event as WholeEvent;
}

/** The node a node event is about, whichever form it has. */
export function nodeNameOf(event: Extract<LiveEvent, { type: `node.${string}` }>): string {
  return 'node' in event && event.type !== 'node.removed' ? event.node.name : event.name;
}

/** The job a job event is about, whichever form it has. */
export function jobIdOf(event: Extract<LiveEvent, { type: `job.${string}` }>): number {
  return 'job' in event && event.type !== 'job.removed' ? event.job.id : event.id;
}

/** The first index from `from` in `items` (sorted by `compare` on `keyOf`) whose key is not below `key`. */
function lowerBound<T, K>(
  items: readonly T[],
  key: K,
  keyOf: (item: T) => K,
  compare: (a: K, b: K) => number,
  from = 0,
): number {
  let low = from;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(keyOf(items[middle]), key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * `items` (sorted by `compare` on `keyOf`, keys unique) with each key of `changes` replaced by its
 * value, removed (null) or inserted in order: binary search for each changed key, then copy the
 * untouched runs between them.
 */
function mergeSorted<T, K>(
  items: readonly T[],
  changes: ReadonlyMap<K, T | null>,
  keyOf: (item: T) => K,
  compare: (a: K, b: K) => number,
): T[] {
  if (changes.size === 0) return items as T[];
  const result: T[] = [];
  let from = 0;
  for (const key of [...changes.keys()].sort(compare)) {
    const low = lowerBound(items, key, keyOf, compare, from);
    for (let i = from; i < low; i++) result.push(items[i]);
    from = low < items.length && compare(keyOf(items[low]), key) === 0 ? low + 1 : low;
    const value = changes.get(key);
    if (value) result.push(value);
  }
  for (let i = from; i < items.length; i++) result.push(items[i]);
  return result;
}
