import type { Batch, Snapshot } from '@oar-live/shared';
import type { ClusterState } from './differ';

/**
 * What the poller diffs a new reading against. The process's snapshot holds copies of what batches
 * changed (applying a delta makes one, a reload from Redis makes all of them), while the incremental
 * reader keeps the objects of unchanged nodes and jobs from poll to poll. Against the copies, the
 * differ compared every node and job of a Grid'5000-sized cluster field by field on each poll
 * (4,000 items, 15-80 ms and their garbage); against the last reading's own objects it passes over
 * the unchanged ones at once. That reading is used only while the snapshot is the one it describes.
 */
export class DiffBasis {
  private last: { snapshot: Snapshot; items: ClusterState } | undefined;

  /** The nodes and jobs to diff against when the process's snapshot is `current`. */
  against(current: Snapshot): ClusterState {
    return this.last?.snapshot === current ? this.last.items : current;
  }

  /**
   * After a poll that read `items`: they describe `current` when nothing changed and nothing else came
   * (`batch` null, the snapshot still `previous`), or when `current` is the poll's own batch applied.
   * A batch dropped (another process holds the lease) leaves the basis as it was.
   */
  remember(
    items: ClusterState,
    poll: { changed: boolean; batch: Batch | null; previous: Snapshot; current: Snapshot },
  ) {
    const { changed, batch, previous, current } = poll;
    if (!changed && current === previous) this.last = { snapshot: current, items };
    else if (batch && current.epoch === batch.epoch && current.seq === batch.seq)
      this.last = { snapshot: current, items };
  }
}
