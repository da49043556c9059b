import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UTILISATION_PERIOD_MS, utilisationOf } from '@oar-live/shared';
import { ClusterStateService } from '../cluster/cluster-state.service';
import { UtilisationStore } from './utilisation-store';

/**
 * Once a minute, just after the minute turns, records the cluster as this process sees it. Every
 * replica records (no leader needed): the store keeps the first sample of each minute.
 */
@Injectable()
export class UtilisationRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UtilisationRecorder.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly state: ClusterStateService,
    private readonly store: UtilisationStore,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduleNext(Date.now());
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Records the current snapshot's sample for the minute of `now`; nothing before the first snapshot. */
  async recordNow(now = Date.now()): Promise<boolean> {
    const snapshot = this.state.current();
    if (!snapshot?.epoch) return false;
    return this.store.record(utilisationOf(snapshot, now));
  }

  private scheduleNext(now: number): void {
    // A second into the minute: the poll that ended the previous one has been applied.
    const delay = UTILISATION_PERIOD_MS - (now % UTILISATION_PERIOD_MS) + 1000;
    this.timer = setTimeout(() => {
      this.recordNow().catch((err: unknown) =>
        this.logger.warn(`could not record this minute's utilisation: ${String(err)}`),
      );
      this.scheduleNext(Date.now());
    }, delay);
    this.timer.unref();
  }
}
