import { Injectable } from '@nestjs/common';
import type { Batch, Snapshot } from '@oar-live/shared';
import { ClusterStateService } from '../cluster/cluster-state.service';
import { EventLogService } from '../cluster/event-log.service';

/** What a new subscriber gets first: every batch it missed, or (when those are gone) the snapshot. */
export type FeedStart = { kind: 'batches'; batches: Batch[] } | { kind: 'snapshot'; snapshot: Snapshot };

/** Parses a resume position (`since`, `Last-Event-ID`): a non-negative integer, or an error message. */
export function parseSince(value: unknown, name: string): number | undefined | { error: string } {
  if (value === undefined || value === null || value === '') return undefined;
  const seq =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(seq) || seq < 0)
    return { error: `${name} must be a non-negative integer seq (got ${JSON.stringify(value)})` };
  return seq;
}

/** Resumes subscribers (Socket.IO and SSE alike) without a gap or a duplicate. */
@Injectable()
export class LiveFeed {
  constructor(
    private readonly state: ClusterStateService,
    private readonly log: EventLogService,
  ) {}

  /**
   * Works out what a subscriber resuming after `since` needs and hands it to `deliver` — called
   * synchronously with the process's state at that instant, so `deliver` must also register the
   * subscriber for live batches before returning: then no batch falls between replay and live.
   * Recent batches come from memory; older ones from the Redis stream.
   */
  async resume(since: number | undefined, deliver: (start: FeedStart) => void): Promise<void> {
    if (since === undefined) return deliver(this.snapshotStart());
    const recent = this.state.recent(since);
    if (recent) return deliver({ kind: 'batches', batches: recent });
    const logged = await this.log.readSince(since);
    const current = this.state.current().seq;
    const older = (logged ?? []).filter((batch) => batch.seq <= current);
    const rest = logged ? this.state.recent(older.at(-1)?.seq ?? since) : null;
    deliver(rest ? { kind: 'batches', batches: [...older, ...rest] } : this.snapshotStart());
  }

  private snapshotStart(): FeedStart {
    return { kind: 'snapshot', snapshot: this.state.current() };
  }
}
