import { nodeSummary, type Node, type NodeResource } from '@oar-live/oar-client';
import type { Batch, LiveEvent, NodeStateChange } from '@oar-live/shared';

/**
 * The states one node went through in these batches (oldest first): each time it was added, its
 * state changed, or it was removed. Pure, so it is tested without Redis.
 *
 * A format-2 `node.changed` may be a delta, which names only the resources that changed and never
 * the node's state: the state is followed resource by resource, and a resource the log has not
 * described yet is taken as it is in `current` (the node now), which is exact for every resource the
 * log never changes.
 */
export function nodeStateChanges(batches: readonly Batch[], name: string, current?: Node): NodeStateChange[] {
  const resourceStates = new Map((current?.resources ?? []).map((r) => [r.id, r.state]));
  const changes: NodeStateChange[] = [];
  let last: string | null | undefined;
  for (const batch of batches) {
    for (const event of batch.events) {
      const state = stateAfter(event, name, resourceStates);
      if (state === undefined || state === last) continue;
      changes.push({ at: batch.at, seq: batch.seq, state });
      last = state;
    }
  }
  return changes;
}

/** The node's state after `event` (null: removed; undefined: the event is not about it), `states` kept up to date. */
function stateAfter(event: LiveEvent, name: string, states: Map<number, string>): string | null | undefined {
  if (event.type === 'node.removed') return event.name === name ? null : undefined;
  if (event.type !== 'node.added' && event.type !== 'node.changed') return undefined;
  if ('node' in event) {
    if (event.node.name !== name) return undefined;
    states.clear();
    for (const r of event.node.resources) states.set(r.id, r.state);
    return event.node.state;
  }
  if (event.name !== name) return undefined;
  for (const r of event.resources ?? []) if (r.set?.state !== undefined) states.set(r.id, r.set.state);
  for (const id of event.removedResources ?? []) states.delete(id);
  if (states.size === 0) return undefined;
  const rows: NodeResource[] = [...states].sort(([a], [b]) => a - b).map(([id, state]) => ({ id, state, jobIds: [] }));
  return nodeSummary(rows).state;
}
