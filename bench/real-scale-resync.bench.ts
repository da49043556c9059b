/**
 * The periodic full re-read on the REAL OAR sandbox at Grid'5000 size (./real-scale-support), with
 * the incremental reader and OAR_POLL_MS=2000: a full re-read asked for every minute (at this size
 * one takes about two minutes, and the load budget alone would space them a quarter of an hour
 * apart, so this run makes OAR busier than the budget: its busy share is context, not the goal), a
 * 10-minute live workload (jobs submitted, running ones cancelled so waiting ones start, waiting
 * ones cancelled, node4 Absent and back) while the full re-reads run beside the polls. Goal: 0
 * differences counted (oar_live_resync_differences_total). Also measured over the same 10 minutes:
 * the latency of each submitted job to the Socket.IO subscriber, OAR's busy share (Apache's %D log
 * and oar-live's metrics) and oar-live's longest event-loop block, full re-reads included.
 */
import { MetricsService } from '../apps/api/src/metrics/metrics.service';
import { ClusterPoller } from '../apps/api/src/cluster/cluster-poller.service';
import { ClusterStateService } from '../apps/api/src/cluster/cluster-state.service';
import { startApi } from '../test/live/api';
import { uniquePrefix } from '../test/live/support';
import {
  API,
  apacheBusy,
  cancelIfThere,
  CLUSTER,
  costFigures,
  watchBlocks,
  inScaledSession,
  JOBS,
  oarsub,
  quantile,
  round,
  setNodeState,
  timedLogSize,
  waitMs,
  WorkerSubscriber,
} from './real-scale-support';

const WORKLOAD_MS = 600_000;
/** The incremental reader's first read reads every job's details once. */
const FIRST_READ_MS = 400_000;
/** The check after the workload waits for the full re-read in flight then (at 1,000 jobs: a minute or two). */
const LAST_RESYNC_MS = 120_000;

async function workloadWithResyncs(): Promise<Record<string, unknown>> {
  const api = await startApi({
    OAR_API_URL: API,
    OAR_POLL_MS: '2000',
    OAR_RESYNC_MS: '60000',
    REDIS_KEY_PREFIX: uniquePrefix('bench-real-resync'),
  });
  const subscriber = new WorkerSubscriber(api.url);
  const metrics = api.app.get(MetricsService);
  const counter = async (c: { get(): Promise<{ values: { value: number }[] }> }) =>
    (await c.get()).values[0]?.value ?? 0;
  try {
    const state = api.app.get(ClusterStateService);
    for (const started = Date.now(); state.current().jobs.length < JOBS; await waitMs(250)) {
      if (Date.now() - started > FIRST_READ_MS) throw new Error(`no first read in ${FIRST_READ_MS / 1000} s`);
    }
    const blocks = await watchBlocks();
    const logOffset = timedLogSize();
    const busyBefore = metrics.oarBusy.totalMs;
    const from = Date.now();
    const poller = api.app.get(ClusterPoller);
    const counts = { submitted: 0, runningCancelled: 0, waitingCancelled: 0, nodeStateChanges: 0 };
    const submitted: number[] = [];
    const seen: Promise<number | null>[] = [];
    for (let step = 0; Date.now() - from < WORKLOAD_MS; step++) {
      // A full re-read every minute, or as soon as the last one ended (none starts while one runs).
      if (step % 12 === 0) poller.requestResync();
      // The server's own state: the subscriber's (every batch applied again) would block this process's loop.
      const running = state.current().jobs.filter((job) => job.state === 'Running');
      switch (step % 5) {
        case 0: {
          const id = await oarsub();
          const at = Date.now();
          submitted.push(id);
          counts.submitted += 1;
          seen.push(
            subscriber.receivedAt('job.added', id, 120_000).then(
              (receivedAt) => (receivedAt - at) / 1000,
              () => null, // cancelled before any poll saw it: counted apart
            ),
          );
          break;
        }
        case 1: // a running job cancelled: it ends, the next waiting one starts
          if (running[0]) await cancelIfThere(running[0].id);
          counts.runningCancelled += 1;
          break;
        case 2:
          await setNodeState('node4', step % 10 === 2 ? 'Absent' : 'Alive');
          counts.nodeStateChanges += 1;
          break;
        case 3:
          if (submitted.length > 0) await cancelIfThere(submitted.shift()!);
          counts.waitingCancelled += 1;
          break;
        default:
          break;
      }
      await waitMs(5000); // the workload's pace
    }
    await setNodeState('node4', 'Alive');
    const added = await Promise.all(seen);
    const latencies = added.filter((s): s is number => s !== null);
    const blockFigures = await blocks.stop();
    const to = Date.now();
    const workloadSeconds = (to - from) / 1000;
    const apache = apacheBusy(logOffset, from, to);
    const busyMs = metrics.oarBusy.totalMs - busyBefore;
    // The full re-read running when the workload ended (or the next one) is checked too.
    const resyncsAtEnd = await counter(metrics.resyncs);
    for (const waitFrom = Date.now(); Date.now() - waitFrom < LAST_RESYNC_MS; await waitMs(1000)) {
      if ((await counter(metrics.resyncs)) > resyncsAtEnd) break;
    }
    return {
      workloadSeconds: round(workloadSeconds, 1),
      ...counts,
      resyncs: await counter(metrics.resyncs),
      resyncDifferences: await counter(metrics.resyncDifferences),
      resyncPeriodSeconds:
        (await metrics.readPeriod.get()).values.find((v) => v.labels.read === 'resync')?.value ?? null,
      submittedNeverSeen: added.length - latencies.length,
      submitLatencyP50Seconds: round(quantile(latencies, 0.5)),
      submitLatencyP99Seconds: round(quantile(latencies, 0.99)),
      ...costFigures(apache, workloadSeconds, busyMs, blockFigures, state.current().source),
    };
  } finally {
    await subscriber.close();
    await api.close();
  }
}

export async function run(): Promise<object> {
  const started = Date.now();
  const result = await inScaledSession(1200, workloadWithResyncs);
  return { cluster: CLUSTER, ...result, scaledSessionSeconds: round((Date.now() - started) / 1000, 1) };
}
