import { nodeStateIn, type Batch, type NodeStateChange } from '@oar-live/shared';

/**
 * The states one node went through in these batches (oldest first): each time it was added, its
 * state changed, or it was removed. Pure, so it is tested without Redis.
 */
export function nodeStateChanges(batches: readonly Batch[], name: string): NodeStateChange[] {
  const changes: NodeStateChange[] = [];
  let last: string | null | undefined;
  for (const batch of batches) {
    for (const event of batch.events) {
      const state = nodeStateIn(event, name);
      if (state === undefined || state === last) continue;
      changes.push({ at: batch.at, seq: batch.seq, state });
      last = state;
    }
  }
  return changes;
}
