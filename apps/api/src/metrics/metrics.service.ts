import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Snapshot } from '@oar-live/shared';

/** Kinds of OAR failures counted by `oar_live_oar_errors_total{kind}`. */
export type OarErrorKind = 'timeout' | 'unreachable' | 'http' | 'other';
export type SubscriberTransport = 'socketio' | 'sse';

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

  readonly oarErrors = new Counter({
    name: 'oar_live_oar_errors_total',
    help: 'Failed requests to OAR, by kind (timeout, unreachable, http, other)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

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

  readonly queueDepth = this.gauge(
    'oar_live_queue_depth',
    'Operations in the queue, by state (waiting, active, delayed, failed, completed)',
    ['state'],
  );

  readonly nodes = this.gauge('oar_live_nodes', 'Nodes in the current snapshot, by node state', ['state']);

  readonly cores = this.gauge('oar_live_cores', 'Cores (OAR resources) in the current snapshot, by resource state', [
    'state',
  ]);

  readonly busyCores = this.gauge(
    'oar_live_cores_busy',
    'Cores (OAR resources) running at least one job in the current snapshot',
  );

  readonly jobs = this.gauge('oar_live_jobs', 'Unfinished jobs in the current snapshot, by state and queue', [
    'state',
    'queue',
  ]);

  constructor() {
    // Unprefixed so stock Node.js dashboards (process_*, nodejs_*) work as they are.
    collectDefaultMetrics({ register: this.registry });
  }

  /** Replaces the node/core/job gauges with the counts of `snapshot` (states that vanished drop out). */
  observeSnapshot(snapshot: Pick<Snapshot, 'nodes' | 'jobs'>): void {
    setCounts(this.nodes, snapshot.nodes, (node) => ({ state: node.state }));
    const resources = snapshot.nodes.flatMap((node) => node.resources);
    setCounts(this.cores, resources, (resource) => ({ state: resource.state }));
    this.busyCores.set(resources.filter((resource) => resource.jobIds.length > 0).length);
    setCounts(this.jobs, snapshot.jobs, (job) => ({ state: job.state, queue: job.queue }));
  }

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry] });
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

function setCounts<L extends string, T>(
  gauge: Gauge<L>,
  items: readonly T[],
  labelsOf: (item: T) => Record<L, string>,
): void {
  const counts = new Map<string, { labels: Record<L, string>; count: number }>();
  for (const item of items) {
    const labels = labelsOf(item);
    const key = JSON.stringify(labels);
    const entry = counts.get(key) ?? { labels, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  gauge.reset();
  for (const { labels, count } of counts.values()) gauge.set(labels, count);
}
