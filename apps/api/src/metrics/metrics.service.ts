import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OarExchange } from '@oar-live/oar-client';
import type { Snapshot } from '@oar-live/shared';
import { BusyMeter } from './busy-meter';

/** Kinds of OAR failures counted by `oar_live_oar_errors_total{kind}`. */
export type OarErrorKind = 'timeout' | 'unreachable' | 'http' | 'other';

/**
 * Every Prometheus metric oar-live exposes, in one registry (not prom-client's global one, so
 * several apps in one test process do not collide). Other modules observe through the public fields.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly pollDuration = this.histogram(
    'oar_live_poll_duration_seconds',
    'Duration of one poll of OAR (jobs + resources), successful or not',
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );

  readonly oarErrors = this.counter(
    'oar_live_oar_errors_total',
    'Failed requests to OAR, by kind (timeout, unreachable, http, other)',
    ['kind'],
  );

  /** OAR's time answering oar-live (every request of this process), over the last minute. */
  readonly oarBusy = new BusyMeter(60_000);

  readonly oarRequestDuration = this.histogram(
    'oar_live_oar_request_duration_seconds',
    'How long OAR took to answer each request of oar-live',
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );

  readonly oarBusyShare: Gauge = new Gauge({
    name: 'oar_live_oar_busy_ratio',
    help: "Share of the last minute during which OAR's API was answering oar-live (kept under OAR_MAX_LOAD)",
    registers: [this.registry],
    collect: (): void => this.oarBusyShare.set(this.oarBusy.share(Date.now())),
  });

  readonly oarMaxLoad = this.gauge(
    'oar_live_oar_max_load',
    'OAR_MAX_LOAD: the largest share of OAR busy with oar-live',
  );

  readonly readPeriod = this.gauge(
    'oar_live_read_period_seconds',
    'Period of each read of OAR after the load budget (read: jobs, resources, details, resync)',
    ['read'],
  );

  readonly resyncDifferences = this.counter(
    'oar_live_resync_differences_total',
    'Differences the periodic full re-read found in the incremental state (goal 0; each was corrected)',
  );

  readonly resyncs = this.counter(
    'oar_live_resyncs_total',
    'Periodic full re-reads of OAR made by the incremental reader',
  );

  readonly subscribers = this.gauge(
    'oar_live_subscribers',
    'Connected live subscribers, by transport (socketio, sse)',
    ['transport'],
  );

  readonly batchEvents = this.histogram(
    'oar_live_batch_events',
    'Number of events in each batch appended to the event log',
    [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000],
  );

  readonly streamRestarts = this.counter(
    'oar_live_stream_restarts_total',
    'Times the event stream in Redis was found lost or gone backwards, and restarted from a new snapshot',
  );

  readonly queueDepth = this.gauge(
    'oar_live_queue_depth',
    'Operations in the queue, by state (waiting, active, delayed, failed, completed)',
    ['state'],
  );

  readonly nodes = this.clusterGauge('oar_live_nodes', 'Nodes in the current snapshot, by node state', ['state']);

  readonly cores = this.clusterGauge(
    'oar_live_cores',
    'Cores (OAR resources) in the current snapshot, by resource state',
    ['state'],
  );

  readonly busyCores = this.clusterGauge(
    'oar_live_cores_busy',
    'Cores (OAR resources) running at least one job in the current snapshot',
  );

  readonly jobs = this.clusterGauge('oar_live_jobs', 'Unfinished jobs in the current snapshot, by state and queue', [
    'state',
    'queue',
  ]);

  constructor() {
    // Unprefixed so stock Node.js dashboards (process_*, nodejs_*) work as they are.
    collectDefaultMetrics({ register: this.registry });
  }

  /** One exchange with OAR ended (OarClient's onExchange). */
  observeOarExchange(exchange: OarExchange): void {
    this.oarBusy.record(exchange.startMs, exchange.endMs);
    this.oarRequestDuration.observe((exchange.endMs - exchange.startMs) / 1000);
  }

  /** The snapshot the cluster gauges describe, and the one they were last counted from. */
  private observed: Pick<Snapshot, 'nodes' | 'jobs'> | undefined;
  private counted: Pick<Snapshot, 'nodes' | 'jobs'> | undefined;

  /**
   * The node/core/job gauges will describe `snapshot` (states that vanished drop out). Only the
   * reference is kept: the counting walks every resource (25,000 on a big cluster), so it happens
   * when Prometheus scrapes, once per new snapshot, not on the poller's path after every change.
   */
  observeSnapshot(snapshot: Pick<Snapshot, 'nodes' | 'jobs'>): void {
    this.observed = snapshot;
  }

  private countSnapshot(): void {
    const snapshot = this.observed;
    if (!snapshot || snapshot === this.counted) return;
    this.counted = snapshot;
    const nodeStates = new Map<string, number>();
    const coreStates = new Map<string, number>();
    let busyCores = 0;
    for (const node of snapshot.nodes) {
      tally(nodeStates, node.state);
      for (const resource of node.resources) {
        tally(coreStates, resource.state);
        if (resource.jobIds.length > 0) busyCores += 1;
      }
    }
    const jobsByQueue = new Map<string, Map<string, number>>();
    for (const job of snapshot.jobs) {
      const byState = jobsByQueue.get(job.queue) ?? new Map<string, number>();
      tally(byState, job.state);
      jobsByQueue.set(job.queue, byState);
    }
    setCounts(this.nodes, nodeStates, (state) => ({ state }));
    setCounts(this.cores, coreStates, (state) => ({ state }));
    this.busyCores.set(busyCores);
    this.jobs.reset();
    for (const [queue, byState] of jobsByQueue)
      for (const [state, count] of byState) this.jobs.set({ state, queue }, count);
  }

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry] });
  }

  /** A gauge counted from the observed snapshot when it is read. */
  private clusterGauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry], collect: () => this.countSnapshot() });
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram(name: string, help: string, buckets: number[]): Histogram {
    return new Histogram({ name, help, buckets, registers: [this.registry] });
  }

  /** The Prometheus text exposition of every metric. */
  expose(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function tally(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function setCounts<L extends string>(
  gauge: Gauge<L>,
  counts: ReadonlyMap<string, number>,
  labelsOf: (key: string) => Record<L, string>,
): void {
  gauge.reset();
  for (const [key, count] of counts) gauge.set(labelsOf(key), count);
}
