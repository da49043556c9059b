import { Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type Redis from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { applyBatch, wholeEvent, type Batch, type Snapshot, type WholeEvent } from '@oar-live/shared';
import { httpAdapter } from '../../apps/api/src/common/http-adapter';
import { AuthModule } from '../../apps/api/src/auth/auth.module';
import { HealthModule } from '../../apps/api/src/health/health.module';
import { ClusterModule } from '../../apps/api/src/cluster/cluster.module';
import { ConfigModule, APP_CONFIG } from '../../apps/api/src/config/config.module';
import { LiveModule } from '../../apps/api/src/live/live.module';
import { MetricsModule } from '../../apps/api/src/metrics/metrics.module';
import { OarModule } from '../../apps/api/src/oar/oar.module';
import { freePort } from '../support/redis-server';
import { testConfig } from './support';

/** The live pipeline's modules (and /api/health) as the app wires them, with this test's configuration. */
@Module({ imports: [ConfigModule, MetricsModule, AuthModule, OarModule, ClusterModule, LiveModule, HealthModule] })
class LiveTestModule {}

export interface RunningApi {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Starts an API process (in this jest worker) on a free loopback port. */
export async function startApi(env: Record<string, string>): Promise<RunningApi> {
  const port = await freePort();
  const config = testConfig({ PORT: String(port), ...env });
  const moduleRef = await Test.createTestingModule({ imports: [LiveTestModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(config)
    .compile();
  const app = moduleRef.createNestApplication(httpAdapter(), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * An API whose poller never runs (the lease is held by a stranger), for tests that write every batch
 * themselves through EventLogService.
 */
export async function startFeedApi(
  redis: Redis,
  prefix: string,
  env: Record<string, string> = {},
): Promise<RunningApi> {
  await redis.set(`${prefix}live:leader`, 'a-stranger');
  return startApi({ REDIS_KEY_PREFIX: prefix, OAR_API_URL: 'http://127.0.0.1:9/oarapi', ...env });
}

/** A Socket.IO subscriber that records everything it receives, in order. */
export class Subscriber {
  readonly socket: Socket;
  readonly snapshots: Snapshot[] = [];
  readonly batches: Batch[] = [];
  /** The events of each batch in whole form (deltas read back as whole nodes and jobs), for matching. */
  readonly wholeEvents: WholeEvent[][] = [];
  private known?: Snapshot;
  private waiters: (() => void)[] = [];

  constructor(
    url: string,
    auth: { since?: number; epoch?: string; token?: string } = {},
    extraHeaders?: Record<string, string>,
  ) {
    this.socket = io(`${url}/live`, { auth, transports: ['websocket'], reconnection: false, extraHeaders });
    this.socket.on('snapshot', (snapshot: Snapshot) => this.record(() => this.snapshots.push((this.known = snapshot))));
    this.socket.on('changes', (batch: Batch) => this.record(() => this.receive(batch)));
  }

  private receive(batch: Batch): void {
    const before = this.known;
    if (before && batch.seq === before.seq + 1) {
      this.known = applyBatch(before, batch);
      this.wholeEvents[this.batches.length] = batch.events.map((event) => wholeEvent(event, before, this.known!));
    }
    this.batches.push(batch);
  }

  private record(push: () => void): void {
    push();
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when `predicate` holds over what was received (checked on each message), or fails after `timeoutMs`. */
  until<T>(predicate: () => T | undefined | false | null | 0, what: string, timeoutMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      const check = () => {
        let value: ReturnType<typeof predicate>;
        try {
          value = predicate();
        } catch (err) {
          clearTimeout(timer);
          return reject(err);
        }
        if (value) {
          clearTimeout(timer);
          resolve(value);
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /**
   * The cluster as this subscriber knows it: its latest snapshot (the server resyncs a lagging
   * socket with a new one) with the batches received after it, as a real client applies them.
   */
  current(): Snapshot {
    const base = this.snapshots.at(-1);
    if (!base) throw new Error('no snapshot received yet');
    return this.batches.filter((batch) => batch.seq > base.seq).reduce(applyBatch, base);
  }

  connected(): Promise<void> {
    return this.socket.connected
      ? Promise.resolve()
      : new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  connectError(): Promise<Error> {
    return new Promise((resolve) => this.socket.once('connect_error', resolve));
  }

  close(): void {
    this.socket.close();
  }
}
