import { compareNodeNames, type Job, type Node } from '@oar-live/oar-client';
import type { Batch, Snapshot } from './events';

/** Canonical node order lives with the domain model (oar-client's buildNodes uses it); re-exported for existing importers. */
export { compareNodeNames };

/** Puts nodes and jobs in the canonical order: nodes by natural name, jobs by id. */
export function canonicalSnapshot(snapshot: Snapshot): Snapshot {
  return {
    ...snapshot,
    nodes: [...snapshot.nodes].sort((a, b) => compareNodeNames(a.name, b.name)),
    jobs: [...snapshot.jobs].sort((a, b) => a.id - b.id),
  };
}

/**
 * Applies one batch to a snapshot (pure). The core invariant of the event stream is that
 * applying every batch after `snapshot.seq`, in order, gives the snapshot the server holds now.
 * A batch that does not follow `snapshot.seq` is a gap: the caller must resynchronise.
 */
export function applyBatch(snapshot: Snapshot, batch: Batch): Snapshot {
  if (batch.seq !== snapshot.seq + 1) {
    throw new RangeError(`batch ${batch.seq} does not follow snapshot ${snapshot.seq}`);
  }
  const nodes = new Map<string, Node>(snapshot.nodes.map((n) => [n.name, n]));
  const jobs = new Map<number, Job>(snapshot.jobs.map((j) => [j.id, j]));
  let source = snapshot.source;
  for (const event of batch.events) {
    switch (event.type) {
      case 'node.added':
      case 'node.changed':
        nodes.set(event.node.name, event.node);
        break;
      case 'node.removed':
        nodes.delete(event.name);
        break;
      case 'job.added':
      case 'job.changed':
        jobs.set(event.job.id, event.job);
        break;
      case 'job.removed':
        jobs.delete(event.id);
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
  return canonicalSnapshot({
    seq: batch.seq,
    at: batch.at,
    source,
    nodes: [...nodes.values()],
    jobs: [...jobs.values()],
  });
}
