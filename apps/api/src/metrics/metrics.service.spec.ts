import type { Job, Node, Resource } from '@oar-live/oar-client';
import { MetricsService } from './metrics.service';

const resource = (id: number, node: string, state: string, jobIds: number[] = []): Resource => ({
  id,
  node,
  state,
  jobIds,
});
const node = (name: string, state: string, resources: Resource[]): Node => ({
  name,
  state,
  resources,
  jobIds: [...new Set(resources.flatMap((r) => r.jobIds))],
  busyCores: resources.filter((r) => r.jobIds.length > 0).length,
  totalCores: resources.length,
  properties: {},
});
const job = (id: number, state: string, queue: string): Job => ({
  id,
  name: null,
  user: 'alice',
  queue,
  state,
  command: 'sleep 1',
  submittedAt: '2026-11-25T16:00:00.000Z',
  nodes: [],
  resourceIds: [],
});

async function valueOf(
  metrics: MetricsService,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)!.get();
  const match = metric.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return match?.value;
}

describe('MetricsService', () => {
  it('counts nodes, cores and jobs by state from a snapshot, dropping states that vanished', async () => {
    const metrics = new MetricsService();
    metrics.observeSnapshot({
      nodes: [
        node('n1', 'Alive', [resource(1, 'n1', 'Alive', [7]), resource(2, 'n1', 'Alive')]),
        node('n2', 'Alive/Absent', [resource(3, 'n2', 'Alive'), resource(4, 'n2', 'Absent')]),
      ],
      jobs: [job(7, 'Running', 'default'), job(8, 'Waiting', 'default'), job(9, 'Waiting', 'besteffort')],
    });
    expect(await valueOf(metrics, 'oar_live_nodes', { state: 'Alive' })).toBe(1);
    expect(await valueOf(metrics, 'oar_live_nodes', { state: 'Alive/Absent' })).toBe(1);
    expect(await valueOf(metrics, 'oar_live_cores', { state: 'Alive' })).toBe(3);
    expect(await valueOf(metrics, 'oar_live_cores', { state: 'Absent' })).toBe(1);
    expect(await valueOf(metrics, 'oar_live_cores_busy', {})).toBe(1);
    expect(await valueOf(metrics, 'oar_live_jobs', { state: 'Waiting', queue: 'default' })).toBe(1);
    expect(await valueOf(metrics, 'oar_live_jobs', { state: 'Waiting', queue: 'besteffort' })).toBe(1);

    metrics.observeSnapshot({ nodes: [node('n1', 'Dead', [resource(1, 'n1', 'Dead')])], jobs: [] });
    expect(await valueOf(metrics, 'oar_live_nodes', { state: 'Alive' })).toBeUndefined();
    expect(await valueOf(metrics, 'oar_live_nodes', { state: 'Dead' })).toBe(1);
    expect(await valueOf(metrics, 'oar_live_jobs', { state: 'Running', queue: 'default' })).toBeUndefined();
    expect(await valueOf(metrics, 'oar_live_cores_busy', {})).toBe(0);
  });

  it('exposes every named metric and the default process metrics in Prometheus text', async () => {
    const metrics = new MetricsService();
    metrics.pollDuration.observe(0.2);
    metrics.oarErrors.inc({ kind: 'timeout' });
    metrics.subscribers.set({ transport: 'sse' }, 3);
    metrics.batchEvents.observe(4);
    metrics.queueDepth.set({ state: 'waiting' }, 2);
    const text = await metrics.expose();
    for (const name of [
      'oar_live_poll_duration_seconds_bucket',
      'oar_live_oar_errors_total{kind="timeout"} 1',
      'oar_live_subscribers{transport="sse"} 3',
      'oar_live_batch_events_count 1',
      'oar_live_queue_depth{state="waiting"} 2',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toContain(name);
    }
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  it("measures OAR's load from the exchanges the OAR client reports", async () => {
    const metrics = new MetricsService();
    const now = Date.now();
    metrics.observeOarExchange({
      method: 'GET',
      path: '/oarapi/jobs.json',
      startMs: now - 30_000,
      endMs: now - 24_000,
    });
    metrics.observeOarExchange({ method: 'GET', path: '/oarapi/resources.json', startMs: now - 6000, endMs: now });
    metrics.oarMaxLoad.set(0.2);
    metrics.resyncDifferences.inc(2);
    const text = await metrics.expose();
    expect(await valueOf(metrics, 'oar_live_oar_busy_ratio', {})).toBeCloseTo(0.2, 2);
    for (const name of [
      'oar_live_oar_request_duration_seconds_count 2',
      'oar_live_oar_max_load 0.2',
      'oar_live_resync_differences_total 2',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('keeps registries of separate instances apart', () => {
    expect(() => [new MetricsService(), new MetricsService()]).not.toThrow();
  });
});
