import { Injectable, Logger } from '@nestjs/common';
import type { Batch, Snapshot } from '@oar-live/shared';
import { ClusterStateService } from '../cluster/cluster-state.service';
import { EventLogService, MAX_REPLAY_BATCHES } from '../cluster/event-log.service';

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

/** Parses the epoch a subscriber resumes in: letters, digits and dashes, or an error message. */
export function parseEpoch(value: unknown, name: string): string | undefined | { error: string } {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(value)) return value;
  return { error: `${name} must be the epoch of a snapshot or batch received before (got ${JSON.stringify(value)})` };
}

/** Where a subscriber resumes: after `since` of `epoch` (no epoch: the current one, for older clients). */
export interface ResumePoint {
  since?: number;
  epoch?: string;
}

/** Resumes subscribers (Socket.IO and SSE alike) without a gap or a duplicate. */
@Injectable()
export class LiveFeed {
  private readonly logger = new Logger(LiveFeed.name);

  constructor(
    private readonly state: ClusterStateService,
    private readonly log: EventLogService,
  ) {}

  /**
   * Works out what a subscriber resuming after `since` needs and hands it to `deliver` — called
   * synchronously with the process's state at that instant, so `deliver` must also register the
   * subscriber for live batches before returning: then no batch falls between replay and live.
   * Recent batches come from memory; older ones from the Redis stream. A subscriber of another
   * epoch, or further behind than MAX_REPLAY_BATCHES, gets a snapshot; so does one whose batches
   * cannot be read because Redis is down (the snapshot in memory is current).
   */
  async resume({ since, epoch }: ResumePoint, deliver: (start: FeedStart) => void): Promise<void> {
    const current = this.state.current();
    if (since === undefined || (epoch !== undefined && epoch !== current.epoch)) return deliver(this.snapshotStart());
    if (current.seq - since > MAX_REPLAY_BATCHES) return deliver(this.snapshotStart());
    const recent = this.state.recent(since);
    if (recent) return deliver({ kind: 'batches', batches: recent });
    const logged = await this.log.readSince(since, current.epoch).catch((err: Error) => {
      this.logger.warn(`replay after seq ${since} not read from Redis (${err.message}): sending a snapshot`);
      return null;
    });
    const now = this.state.current();
    if (now.epoch !== current.epoch) return deliver(this.snapshotStart());
    const older = (logged ?? []).filter((batch) => batch.seq <= now.seq);
    const rest = logged ? this.state.recent(older.at(-1)?.seq ?? since) : null;
    deliver(rest ? { kind: 'batches', batches: [...older, ...rest] } : this.snapshotStart());
  }

  private snapshotStart(): FeedStart {
    return { kind: 'snapshot', snapshot: this.state.current() };
  }
}
