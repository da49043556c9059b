import { Injectable, Logger } from '@nestjs/common';
import type { LiveEvent, Operation } from '@oar-live/shared';
import { ClusterPoller } from '../cluster/cluster-poller.service';
import { EventLogService } from '../cluster/event-log.service';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** A burst of finished mutations asks the poller for an immediate poll at most this often. */
const POLL_SOON_EVERY_MS = 1000;

/**
 * Puts `operation.updated` on the live stream. Updates announced while a previous append is in
 * flight share the next batch (in announcement order): a burst of 100 submits costs a few batches,
 * not 100, and every subscriber still sees each state change in order.
 */
@Injectable()
export class OperationAnnouncer {
  private readonly logger = new Logger(OperationAnnouncer.name);
  private pending: LiveEvent[] = [];
  private flushing: Promise<void> | null = null;
  private lastPollSoon = 0;

  constructor(
    private readonly events: EventLogService,
    private readonly poller: ClusterPoller,
  ) {}

  /** Resolves once the update is in the event log (or its append failed, which is logged: it must not fail the operation). */
  announce(operation: Operation): Promise<void> {
    // Per-target results stay in Redis (GET /api/operations/:id): a bulk operation's events stay small.
    const { results: _results, ...announced } = operation;
    this.pending.push({ type: 'operation.updated', operation: announced });
    this.flushing ??= this.flush();
    return this.flushing;
  }

  /** After a mutation: OAR changed, poll soon (throttled during bursts; the poller polls fast meanwhile). */
  mutated(): void {
    if (Date.now() - this.lastPollSoon < POLL_SOON_EVERY_MS) return;
    this.lastPollSoon = Date.now();
    this.poller.pollSoon();
  }

  private async flush(): Promise<void> {
    // Let the requests of this tick join the batch.
    await nextTurn();
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      await this.events.append(batch).catch((err: unknown) => {
        this.logger.warn(`${batch.length} operation.updated events not published: ${(err as Error).message}`);
      });
    }
    this.flushing = null;
  }
}
