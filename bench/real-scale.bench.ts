/**
 * oar-live against the REAL OAR sandbox at Grid'5000 size (./real-scale-support), OAR_POLL_MS=2000,
 * today's full reader and the incremental reader side by side in one scaled session:
 * - latency to the Socket.IO subscriber (in a worker thread) receiving the job's event, from
 *   `oarsub` returning and from `oarstat` first showing an `oardel`ed job ended (p50 / p99): what
 *   oar-live adds; also from `oardel` returning, which includes OAR's own time to end the job;
 * - OAR's API busy serving oar-live: from Apache's access log (%D of each request with User-Agent
 *   oar-live, see scripts/oar-provision.sh) and from oar-live's own measure (MetricsService.oarBusy);
 * - oar-live's longest event-loop block.
 * Runs only when the sandbox answers; holds /tmp/oar-live-sandbox.lock for the scaled session.
 */
import { MetricsService } from '../apps/api/src/metrics/metrics.service';
import { ClusterStateService } from '../apps/api/src/cluster/cluster-state.service';
import { startApi } from '../test/live/api';
import { uniquePrefix } from '../test/live/support';
import {
  API,
  apacheBusy,
  CLUSTER,
  costFigures,
  watchBlocks,
  inScaledSession,
  JOBS,
  oardel,
  oarsub,
  quantile,
  round,
  timedLogSize,
  waitMs,
  whenOarstatShowsFinal,
  WorkerSubscriber,
} from './real-scale-support';

const ROUNDS = { full: 2, incremental: 10 };
/** Today's full reader gets this long for its first poll; the incremental reader's first read reads every job's details once. */
const FIRST_READ_MS = { full: 60_000, incremental: 400_000 };

/** Until the server's own state holds `jobs` jobs (its snapshot, not the subscriber's: that one is in a worker). */
async function firstReadDone(state: ClusterStateService, timeoutMs: number): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await waitMs(250)) {
    if (state.current().jobs.length >= JOBS) return true;
  }
  return false;
}

/**
 * One reader against the scaled OAR: latencies of oarsub/oardel (oardel's also from when `oarstat`
 * first showed the job ended: OAR's own scheduler takes most of the time before that), OAR busy
 * share, event-loop block.
 */
async function measureReader(reader: 'full' | 'incremental', rounds: number): Promise<Record<string, unknown>> {
  const api = await startApi({
    OAR_API_URL: API,
    OAR_POLL_MS: '2000',
    OAR_READER: reader,
    REDIS_KEY_PREFIX: uniquePrefix(`bench-real-${reader}`),
  });
  const subscriber = new WorkerSubscriber(api.url);
  const metrics = api.app.get(MetricsService);
  const state = api.app.get(ClusterStateService);
  try {
    const loadStarted = Date.now();
    const logAtStart = timedLogSize();
    if (!(await firstReadDone(state, FIRST_READ_MS[reader]))) {
      // Today's full reader on a loaded host: OAR never finishes a poll. What it cost OAR meanwhile:
      const to = Date.now();
      const apache = apacheBusy(logAtStart, loadStarted, to);
      return {
        firstReadSeconds: null,
        note: `no poll completed in ${FIRST_READ_MS[reader] / 1000} s: no job change reached a subscriber`,
        measuredSeconds: round((to - loadStarted) / 1000, 1),
        oarBusyShareApache: round(apache.busySeconds / ((to - loadStarted) / 1000)),
        oarRequestsApache: apache.requests,
        oarErrorsApache: apache.errors,
        oarBusyShareOarLive: round(metrics.oarBusy.totalMs / (to - loadStarted)),
      };
    }
    const firstReadSeconds = (Date.now() - loadStarted) / 1000;
    const blocks = await watchBlocks();
    const logOffset = timedLogSize();
    const from = Date.now();
    const busyBefore = metrics.oarBusy.totalMs;
    const submit: number[] = [];
    const cancel: number[] = [];
    const cancelAfterOarstat: number[] = [];
    const oardelToOarstat: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // Spread the changes over the poll period (a fixed pace, not a synchronisation).
      await waitMs(((i * 737) % 2000) + 100);
      const id = await oarsub();
      const submitted = Date.now();
      submit.push(((await subscriber.receivedAt('job.added', id, 120_000)) - submitted) / 1000);
      await waitMs(((i * 1319) % 2000) + 100);
      await oardel(id);
      const deleted = Date.now();
      const [removedAt, oarstatAt] = await Promise.all([
        subscriber.receivedAt('job.removed', id, 120_000),
        whenOarstatShowsFinal(id),
      ]);
      cancel.push((removedAt - deleted) / 1000);
      cancelAfterOarstat.push((removedAt - oarstatAt) / 1000);
      oardelToOarstat.push((oarstatAt - deleted) / 1000);
    }
    const blockFigures = await blocks.stop();
    const to = Date.now();
    const seconds = (to - from) / 1000;
    const apache = apacheBusy(logOffset, from, to);
    // What oar-live adds: oarsub from its return (oarstat shows the job then), oardel from oarstat.
    const oarLive = [...submit, ...cancelAfterOarstat];
    const all = [...submit, ...cancel];
    return {
      firstReadSeconds: round(firstReadSeconds, 1),
      measuredSeconds: round(seconds, 1),
      changes: all.length,
      latencyP50Seconds: round(quantile(oarLive, 0.5)),
      latencyP99Seconds: round(quantile(oarLive, 0.99)),
      latencyFromCommandP50Seconds: round(quantile(all, 0.5)),
      latencyFromCommandP99Seconds: round(quantile(all, 0.99)),
      oarsubLatencySeconds: submit.map((s) => round(s, 2)),
      oardelLatencySeconds: cancel.map((s) => round(s, 2)),
      oardelAfterOarstatSeconds: cancelAfterOarstat.map((s) => round(s, 2)),
      oardelToOarstatFinalSeconds: oardelToOarstat.map((s) => round(s, 2)),
      ...costFigures(apache, seconds, metrics.oarBusy.totalMs - busyBefore, blockFigures, state.current().source),
      oarBusyRatioGauge: round(metrics.oarBusy.share(Date.now())),
    };
  } finally {
    await subscriber.close();
    await api.close();
  }
}

export async function run(): Promise<object> {
  const sessionStarted = Date.now();
  const results = await inScaledSession(1140, async () => {
    const full = await measureReader('full', ROUNDS.full);
    const incremental = await measureReader('incremental', ROUNDS.incremental);
    return { full, incremental, scaledSessionSeconds: round((Date.now() - sessionStarted) / 1000, 1) };
  });
  if (!('full' in results)) return results;
  const ratio = (key: string) => {
    const full = results.full[key];
    return typeof full === 'number' ? round(full / Math.max(1e-6, results.incremental[key] as number), 1) : null;
  };
  return {
    cluster: CLUSTER,
    ...results,
    fullOverIncremental: {
      latencyP50: ratio('latencyP50Seconds'),
      latencyP99: ratio('latencyP99Seconds'),
      oarBusyApache: ratio('oarBusyShareApache'),
      oarBusyOarLive: ratio('oarBusyShareOarLive'),
      eventLoopBlock: ratio('longestEventLoopBlockMs'),
    },
  };
}
