/**
 * What the live benches (live.bench.ts, live-storm.bench.ts) share: oar-sim and the subscribers in
 * child processes (so their work does not count as the server's), and oar-live at 5,000 nodes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { MEASURED_COSTS } from '@oar-live/oar-sim';
import { ClusterPoller } from '../apps/api/src/cluster/cluster-poller.service';
import { ClusterStateService } from '../apps/api/src/cluster/cluster-state.service';
import { EventLogService } from '../apps/api/src/cluster/event-log.service';
import { LiveRedis } from '../apps/api/src/cluster/redis.provider';
import { startApi, type RunningApi } from '../test/live/api';
import { removeRedisDir, startRedis } from '../test/support/redis-server';
import { uniquePrefix } from '../test/live/support';

export const BIG_NODES = 5000;
export const BIG_CORES = 5;
const SUBSCRIBER_PROCESSES = 2;

/** A helper child process (bench/live-*.ts) driven by request/response messages. */
export class Child {
  private readonly child: ChildProcess;

  constructor(script: string) {
    this.child = fork(join(__dirname, script), { stdio: 'inherit' });
  }

  ask<T>(message: object): Promise<T> {
    return new Promise((resolve, reject) => {
      this.child.once('message', (reply: T & { error?: string }) =>
        reply.error ? reject(new Error(reply.error)) : resolve(reply),
      );
      this.child.send(message);
    });
  }

  stop(): void {
    this.child.kill();
  }
}

/** oar-sim in its own process. */
export class Sim extends Child {
  url = '';

  constructor() {
    super('live-sim.ts');
  }

  async start(options: object): Promise<void> {
    this.url = (await this.ask<{ url: string }>({ start: options })).url;
  }

  async requestCount(): Promise<number> {
    return (await this.ask<{ count: number }>({ count: true })).count;
  }
}

/** When one subscriber's snapshot arrived, in milliseconds from opening its socket (live-clients.ts). */
export interface SnapshotTiming {
  /** The snapshot's last byte read from the socket. */
  lastByte: number;
  /** The whole message in hand (after the subscriber's own inflating), for sockets that inflate it. */
  message?: number;
}

/**
 * Subscribers, spread over SUBSCRIBER_PROCESSES child processes: receiving 1,000 copies of a batch
 * costs one process several times the server's CPU, and the measure is of the server's fan-out.
 */
export class Clients {
  private readonly processes = Array.from({ length: SUBSCRIBER_PROCESSES }, () => new Child('live-clients.ts'));

  /** `inflateEvery`: only every that many sockets inflate the snapshots they get (live-clients.ts). */
  async connect(url: string, count: number, since?: number, inflateEvery?: number): Promise<void> {
    const shares = this.processes.map((_, i) => Math.floor((count + i) / this.processes.length));
    await Promise.all(
      this.processes.map((child, i) =>
        shares[i] > 0 ? child.ask({ connect: { url, count: shares[i], since, inflateEvery } }) : null,
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((child) => child.ask({ close: true })));
  }

  /** Arrival times of batch `seq` at every subscriber, and the CPU time the subscriber processes used so far. */
  async report(seq: number): Promise<{ arrivals: number[]; cpuMs: number }> {
    const reports = await Promise.all(
      this.processes.map((child) => child.ask<{ arrivals: number[]; cpu: NodeJS.CpuUsage }>({ report: seq })),
    );
    return {
      arrivals: reports.flatMap((r) => r.arrivals),
      cpuMs: reports.reduce((sum, r) => sum + cpuMs(r.cpu), 0),
    };
  }

  /** The snapshot timings of every socket that got one since the last connect, and the subscribers' CPU so far. */
  async snapshots(): Promise<{ timings: SnapshotTiming[]; cpuMs: number }> {
    const reports = await Promise.all(
      this.processes.map((child) =>
        child.ask<{ timings: SnapshotTiming[]; cpu: NodeJS.CpuUsage }>({ snapshots: true }),
      ),
    );
    return {
      timings: reports.flatMap((r) => r.timings),
      cpuMs: reports.reduce((sum, r) => sum + cpuMs(r.cpu), 0),
    };
  }

  stop(): void {
    for (const child of this.processes) child.stop();
  }
}

/**
 * oar-live over oar-sim at BIG_NODES × BIG_CORES (answering as slowly as the real OAR), after its
 * first poll. Polls only by hand: a stranger holds the lease while the API starts (else the poller
 * takes it at boot and its own timer polls beside the bench's first poll: two reads of 25,000
 * resources at once, and the second append restarted the stream), then the bench hands the lease to
 * the poller's token without a TTL, so the poller's fenced appends go through but its timer never
 * polls (it never took the lease itself).
 */
export async function startBigCluster(
  sim: Sim,
): Promise<{ api: RunningApi; poller: ClusterPoller; initialPollMs: number }> {
  await sim.start({ nodes: BIG_NODES, coresPerNode: BIG_CORES, costs: MEASURED_COSTS });
  const prefix = uniquePrefix('bench-big');
  const redis = new Redis(process.env.REDIS_URL!);
  await redis.set(`${prefix}live:leader`, 'a-stranger');
  redis.disconnect();
  const api = await startApi({ REDIS_KEY_PREFIX: prefix, OAR_API_URL: sim.url, OAR_POLL_MS: '600000' });
  const poller = api.app.get(ClusterPoller);
  await api.app.get(LiveRedis).commands.set(api.app.get(EventLogService).keys.lease, poller.lease.token);
  const started = performance.now();
  await poller.pollOnce();
  const { nodes, source } = api.app.get(ClusterStateService).current();
  // Else a bench fails later on an empty cluster, with an error that does not say why.
  if (nodes.length === 0) throw new Error(`the first read of oar-sim failed: ${JSON.stringify(source)}`);
  return { api, poller, initialPollMs: performance.now() - started };
}

/**
 * Runs `measure` with a private redis-server, oar-sim and the subscriber processes, and stops them
 * all afterwards; the machine's load average at the start goes with the numbers.
 */
export async function withLiveParts(measure: (sim: Sim, clients: Clients) => Promise<object>): Promise<object> {
  const redis = await startRedis();
  process.env.REDIS_URL = redis.url;
  const clients = new Clients();
  const sim = new Sim();
  try {
    return { loadAverageAtStart: os.loadavg().map(round), ...(await measure(sim, clients)) };
  } finally {
    clients.stop();
    sim.stop();
    await redis.stop();
    removeRedisDir(redis.dir);
  }
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
export const round = (n: number) => Math.round(n * 10) / 10;
export const cpuMs = (usage: NodeJS.CpuUsage) => Math.round((usage.user + usage.system) / 1000);
export const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
