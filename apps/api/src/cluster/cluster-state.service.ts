import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { applyBatch, sameHistory, type Batch, type Snapshot } from '@oar-live/shared';
import { setTimeout as delay } from 'node:timers/promises';
import { filter, firstValueFrom, Subject, timeout } from 'rxjs';
import { BATCH_RETENTION_MS, batchOfEntry, EventLogService, seqOfEntry } from './event-log.service';
import { MetricsService } from '../metrics/metrics.service';
import { LiveRedis } from './redis.provider';

const MAX_RECENT_BATCHES = 2000;
/** The relay checks the stream's epoch between reads: a lost stream is noticed within about this long. */
const RELAY_BLOCK_MS = 1000;

/** A change of history this process noticed (Redis lost the stream, or it went backwards). */
export interface StreamRestart {
  /** ISO time it was noticed. */
  at: string;
  from: { epoch: string; seq: number };
  to: { epoch: string; seq: number };
  reason: string;
}

/**
 * This process's view of the cluster: the current Snapshot (kept by applying every batch in order,
 * so reads never wait for Redis), the recent batches for replay, and `batches$` which emits each
 * batch once, in seq order, whichever replica wrote it. Batches reach it from this process's own
 * appends at once and from other processes through XREAD BLOCK on the stream.
 */
@Injectable()
export class ClusterStateService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ClusterStateService.name);
  private snapshot!: Snapshot;
  private recentBatches: Batch[] = [];
  private reloading: Promise<void> | null = null;
  private running = false;
  /** Every batch, once, in seq order. */
  readonly batches$ = new Subject<Batch>();
  /** The snapshot was reloaded after a gap: subscribers must be resynchronised from it. */
  readonly resync$ = new Subject<Snapshot>();
  /** The stream in Redis vanished (its epoch is gone): the poller must restart it from its snapshot. */
  readonly streamLost$ = new Subject<void>();
  /** The last change of history this process noticed, for /api/health. */
  lastRestart: StreamRestart | undefined;

  constructor(
    private readonly log: EventLogService,
    private readonly redis: LiveRedis,
    private readonly metrics: MetricsService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.setSnapshot(await this.log.loadSnapshot());
    this.log.appended$.subscribe((batch) => this.ingest(batch));
    this.running = true;
    void this.relay();
  }

  /**
   * Not waiting for the relay loop: a command queued while Redis reconnects is never settled once the
   * connection is dropped, and shutdown must not wait for Redis. The loop stops at its next step.
   */
  onModuleDestroy(): void {
    this.running = false;
    this.redis.blocking.disconnect();
  }

  current(): Snapshot {
    return this.snapshot;
  }

  /** Batches after `since` held in memory (of the current epoch), or null when memory does not reach back that far. */
  recent(since: number): Batch[] | null {
    if (since === this.snapshot.seq) return [];
    if (since > this.snapshot.seq) return null;
    const first = this.recentBatches[0];
    if (!first || first.seq > since + 1) return null;
    return this.recentBatches.slice(since + 1 - first.seq);
  }

  /**
   * Makes sure this process holds every batch Redis has (before it starts polling: it diffs against
   * this snapshot). Waits briefly for the relay, and reloads the snapshot if the relay lags.
   */
  async catchUp(): Promise<void> {
    const keys = this.log.keys;
    const [epoch, seqText] = await this.redis.commands.mget(keys.epoch, keys.seq);
    const seq = Number(seqText ?? 0);
    if ((epoch ?? '') !== this.snapshot.epoch) return this.reload();
    if (this.snapshot.seq >= seq) return;
    await firstValueFrom(
      this.batches$.pipe(
        filter((batch) => batch.seq >= seq),
        timeout(2000),
      ),
    ).catch(() => this.reload());
  }

  /** Re-reads the snapshot from Redis (after a gap, or when this process becomes the poller). */
  reload(): Promise<void> {
    this.reloading ??= this.log
      .loadSnapshot()
      .then((snapshot) => this.replace(snapshot))
      .finally(() => (this.reloading = null));
    return this.reloading;
  }

  /**
   * A reload nothing waits for (ingest's): with Redis away it fails, and is tried again at the next
   * gap or epoch check. Unhandled, that rejection would end the process.
   */
  private reloadLater(): void {
    this.reload().catch((err: Error) => this.logger.warn(`snapshot not reloaded: ${err.message}`));
  }

  /**
   * Takes `snapshot` as this process's state (reloaded, or just written by the poller after the
   * stream was lost) and resynchronises subscribers when it differs from what they hold.
   */
  replace(snapshot: Snapshot, reason = 'the event stream in Redis is another history'): void {
    const previous = this.snapshot;
    // Redis lost the stream and nobody restarted it yet: what this process holds is complete, an
    // empty Redis is not (the poller restarts the stream from a whole snapshot within one poll).
    if (snapshot.epoch === '' && previous.epoch !== '') return this.streamLost$.next();
    this.setSnapshot(snapshot);
    this.recentBatches = [];
    if (snapshot.epoch !== previous.epoch && previous.epoch !== '') this.noteRestart(previous, snapshot, reason);
    if (snapshot.seq !== previous.seq || snapshot.epoch !== previous.epoch) this.resync$.next(snapshot);
  }

  private noteRestart(from: Snapshot, to: Snapshot, reason: string): void {
    const restart: StreamRestart = {
      at: new Date().toISOString(),
      from: { epoch: from.epoch, seq: from.seq },
      to: { epoch: to.epoch, seq: to.seq },
      reason,
    };
    // A second replica noticing the same restart (or the poller, after its own) adds nothing new.
    if (this.lastRestart?.to.epoch === to.epoch) return;
    this.lastRestart = restart;
    this.metrics.streamRestarts.inc();
    this.logger.error(
      `${reason}; continuing from a new snapshot (epoch ${from.epoch} seq ${from.seq} → epoch ${to.epoch} seq ${to.seq}), sent to every subscriber`,
    );
  }

  private ingest(batch: Batch): void {
    if (this.reloading) return;
    if (!sameHistory(this.snapshot, batch)) {
      this.logger.warn(`batch ${batch.seq} is of epoch ${batch.epoch}, not ${this.snapshot.epoch}: reloading`);
      this.reloadLater();
      return;
    }
    if (batch.seq <= this.snapshot.seq) return;
    if (batch.seq !== this.snapshot.seq + 1) {
      this.logger.warn(`batch ${batch.seq} does not follow ${this.snapshot.seq}: reloading the snapshot`);
      this.reloadLater();
      return;
    }
    let next: Snapshot;
    try {
      next = applyBatch(this.snapshot, batch);
    } catch (err) {
      // A delta on an item this copy lacks: the copy left the stored history (seen once after Redis
      // lost its data). The stored snapshot holds whole items: reload it. Thrown from here, the
      // error would end the process (appended$ has no error path).
      this.logger.warn(`${(err as Error).message}: reloading the snapshot`);
      this.reloadLater();
      return;
    }
    this.setSnapshot(next);
    this.recentBatches.push(batch);
    this.forgetOldBatches();
    this.batches$.next(batch);
  }

  /** Every replica's node, core and job gauges describe its snapshot, not only the poller's. */
  private setSnapshot(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.metrics.observeSnapshot(snapshot);
  }

  private forgetOldBatches(): void {
    const cutoff = Date.now() - BATCH_RETENTION_MS;
    let drop = Math.max(0, this.recentBatches.length - MAX_RECENT_BATCHES);
    while (drop < this.recentBatches.length && Date.parse(this.recentBatches[drop].at) < cutoff) drop++;
    if (drop > 0) this.recentBatches = this.recentBatches.slice(drop);
  }

  private async relay(): Promise<void> {
    const { stream, epoch } = this.log.keys;
    while (this.running) {
      try {
        // Entries of a new history may carry ids below ours: XREAD after our id would never see them.
        const stored = (await this.redis.blocking.get(epoch)) ?? '';
        if (!this.running) return;
        if (stored === '' && this.snapshot.epoch !== '') this.streamLost$.next();
        else if (stored !== this.snapshot.epoch) await this.reload();
        const reply = (await this.redis.blocking.xread(
          'BLOCK',
          RELAY_BLOCK_MS,
          'STREAMS',
          stream,
          `${this.snapshot.seq}-1`,
        )) as [string, [string, string[]][]][] | null;
        if (!this.running) return;
        for (const [, entries] of reply ?? []) {
          // Entries this process appended itself are held already: skip them before parsing.
          for (const entry of entries) if (seqOfEntry(entry) > this.snapshot.seq) this.ingest(batchOfEntry(entry));
        }
      } catch (err) {
        if (!this.running) return;
        this.logger.warn(`stream relay: ${(err as Error).message}; retrying`);
        await delay(1000);
      }
    }
  }
}
