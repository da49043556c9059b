/**
 * oar-live against the REAL OAR sandbox loaded to Grid'5000 size (3,125 extra nodes × 8 cores +
 * node1..4 = 25,008 resources, 1,000 jobs from one `oarsub --array`), OAR_POLL_MS=2000, the full
 * reader and the incremental reader side by side in one scaled session:
 * - latency from `oarsub` / `oardel` (run directly, as alice) returning to the Socket.IO subscriber
 *   receiving the job's event (p50 / p99);
 * - OAR's API busy serving oar-live: from Apache's access log (%D of each request with User-Agent
 *   oar-live, see scripts/oar-provision.sh) and from oar-live's own measure (MetricsService.oarBusy);
 * - oar-live's longest event-loop block;
 * - then a full re-read asked for at once (instead of after OAR_RESYNC_MS) during a live workload (jobs submitted, started, ended, cancelled;
 *   node4 Absent and back) and the differences the periodic full re-reads found.
 * Runs only when the sandbox answers; holds /tmp/oar-live-sandbox.lock for the whole scaled session
 * (`oar-sandbox scaled-session`, which resets the sandbox before releasing it, ≤ 10 minutes).
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Batch } from '@oar-live/shared';
import { MetricsService } from '../apps/api/src/metrics/metrics.service';
import { ClusterPoller } from '../apps/api/src/cluster/cluster-poller.service';
import { startApi, Subscriber, type RunningApi } from '../test/live/api';
import { uniquePrefix } from '../test/live/support';
import { startRedis, removeRedisDir } from '../test/support/redis-server';

const API = 'http://127.0.0.1:6668/oarapi';
const SCRIPT = join(__dirname, '..', 'scripts', 'oar-sandbox');
const TIMED_LOG = '/var/log/apache2/oar-api-timed.log';
const EXTRA_NODES = 3125;
const CORES = 8;
const JOBS = 1000;
const ROUNDS = { full: 2, incremental: 10 };
/** The longest a full re-read may take here (at 1,000 jobs on a loaded host: ≈ 2.5 minutes). */
const RESYNC_WAIT_MS = 240_000;
/** Today's full reader gets this long for its first poll; the incremental reader's first read reads every job's details once. */
const FIRST_READ_MS = { full: 60_000, incremental: 240_000 };

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};

function sandboxAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    get(`${API}/version.json`, { timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    })
      .on('error', () => resolve(false))
      .on('timeout', () => resolve(false));
  });
}

const asAlice = (command: string) =>
  execFileSync('su', ['alice', '-c', command], { cwd: '/home/alice', encoding: 'utf8' });
const oarsub = () => Number(/OAR_JOB_ID=(\d+)/.exec(asAlice("oarsub -l /core=1,walltime=00:10:00 'sleep 600'"))![1]);
const oardel = (id: number) => asAlice(`oardel ${id}`);
/** In the workload a job may end on its own (or by an earlier oardel) before it is cancelled: OAR says so, not a failure. */
const cancelIfThere = (id: number) => {
  try {
    oardel(id);
  } catch (err) {
    if (!/already killed|not the right user|Cannot frag/.test(String(err))) throw err;
  }
};

/** Seconds Apache spent on oar-live's requests that started in [from, to] (epoch ms), from the timed log. */
function apacheBusy(
  offset: number,
  from: number,
  to: number,
): { busySeconds: number; requests: number; errors: number } {
  const size = statSync(TIMED_LOG).size;
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(TIMED_LOG, 'r');
  readSync(fd, buffer, 0, buffer.length, offset);
  closeSync(fd);
  let busy = 0;
  let requests = 0;
  let errors = 0;
  for (const line of buffer.toString('utf8').split('\n')) {
    const match = /^(\d+\.\d+) (\d+) (\d+) ".*" "oar-live"$/.exec(line);
    if (!match) continue;
    const startMs = Number(match[1]) * 1000;
    if (startMs < from || startMs > to) continue;
    // A request that began before `to` but lasts beyond it counts up to `to` only.
    busy += Math.min(Number(match[2]) / 1e6, (to - startMs) / 1000);
    requests += 1;
    if (Number(match[3]) >= 500) errors += 1;
  }
  return { busySeconds: busy, requests, errors };
}

const hasEvent = (batches: Batch[], type: string, id: number) =>
  batches.some((batch) =>
    batch.events.some((e) => e.type === type && ('id' in e ? e.id === id : 'job' in e && e.job.id === id)),
  );

/** One reader against the scaled OAR: latencies of oarsub/oardel, OAR busy share, event-loop block. */
async function measureReader(reader: 'full' | 'incremental', rounds: number): Promise<Record<string, unknown>> {
  const api = await startApi({
    OAR_API_URL: API,
    OAR_POLL_MS: '2000',
    OAR_READER: reader,
    REDIS_KEY_PREFIX: uniquePrefix(`bench-real-${reader}`),
  });
  const subscriber = new Subscriber(api.url);
  const metrics = api.app.get(MetricsService);
  try {
    const loadStarted = Date.now();
    const logAtStart = statSync(TIMED_LOG).size;
    const firstRead = await subscriber
      .until(
        () => subscriber.snapshots.length > 0 && subscriber.current().jobs.length >= JOBS,
        'the first read',
        FIRST_READ_MS[reader],
      )
      .then(
        () => true,
        () => false,
      );
    if (!firstRead) {
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
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const logOffset = statSync(TIMED_LOG).size;
    const from = Date.now();
    const busyBefore = metrics.oarBusy.totalMs;
    loop.enable();
    const submit: number[] = [];
    const cancel: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // Spread the changes over the poll period (a fixed pace, not a synchronisation).
      await waitMs(((i * 737) % 2000) + 100);
      const id = oarsub();
      const submitted = Date.now();
      await subscriber.until(() => hasEvent(subscriber.batches, 'job.added', id), `job ${id} added`, 120_000);
      submit.push((Date.now() - submitted) / 1000);
      await waitMs(((i * 1319) % 2000) + 100);
      oardel(id);
      const deleted = Date.now();
      await subscriber.until(() => hasEvent(subscriber.batches, 'job.removed', id), `job ${id} removed`, 120_000);
      cancel.push((Date.now() - deleted) / 1000);
    }
    loop.disable();
    const to = Date.now();
    const seconds = (to - from) / 1000;
    const apache = apacheBusy(logOffset, from, to);
    const all = [...submit, ...cancel];
    return {
      firstReadSeconds: round(firstReadSeconds, 1),
      measuredSeconds: round(seconds, 1),
      changes: all.length,
      latencyP50Seconds: round(quantile(all, 0.5)),
      latencyP99Seconds: round(quantile(all, 0.99)),
      oarsubLatencySeconds: submit.map((s) => round(s, 2)),
      oardelLatencySeconds: cancel.map((s) => round(s, 2)),
      oarBusyShareApache: round(apache.busySeconds / seconds),
      oarRequestsApache: apache.requests,
      oarErrorsApache: apache.errors,
      oarBusyShareOarLive: round((metrics.oarBusy.totalMs - busyBefore) / 1000 / seconds),
      oarBusyRatioGauge: round(metrics.oarBusy.share(Date.now())),
      longestEventLoopBlockMs: round(loop.max / 1e6, 1),
      slowed: subscriber.current().source.slowed ?? null,
      ...(reader === 'incremental' && { resync: await resyncUnderWorkload(api, subscriber, metrics) }),
    };
  } finally {
    subscriber.close();
    await api.close();
  }
}

/**
 * A full re-read asked for at once (it would come every OAR_RESYNC_MS) while a live workload runs:
 * jobs submitted, running ones cancelled (the next waiting ones start), waiting ones cancelled,
 * node4 Absent and back. Ends when the re-read is done; its differences are the goal-0 count.
 */
async function resyncUnderWorkload(
  api: RunningApi,
  subscriber: Subscriber,
  metrics: MetricsService,
): Promise<Record<string, unknown>> {
  const actions: string[] = [];
  const started = Date.now();
  const resyncs = async () => (await metrics.resyncs.get()).values[0]?.value ?? 0;
  api.app.get(ClusterPoller).requestResync();
  const submitted: number[] = [];
  for (let step = 0; (await resyncs()) < 1 && Date.now() - started < RESYNC_WAIT_MS; step++) {
    const running = subscriber.current().jobs.filter((job) => job.state === 'Running');
    switch (step % 5) {
      case 0:
        submitted.push(oarsub());
        actions.push('submitted');
        break;
      case 1: // a running job cancelled: it ends, the next waiting one starts
        if (running[0]) cancelIfThere(running[0].id);
        actions.push('running job cancelled');
        break;
      case 2:
        execFileSync('oarnodesetting', ['-n', '-h', 'node4', '-s', step % 10 === 2 ? 'Absent' : 'Alive'], {
          stdio: 'ignore',
        });
        actions.push(step % 10 === 2 ? 'node4 Absent' : 'node4 Alive');
        break;
      case 3:
        if (submitted.length > 0) cancelIfThere(submitted.shift()!);
        actions.push('waiting job cancelled');
        break;
      default:
        break;
    }
    await waitMs(5000); // the workload's pace
  }
  execFileSync('oarnodesetting', ['-n', '-h', 'node4', '-s', 'Alive'], { stdio: 'ignore' });
  return {
    seconds: round((Date.now() - started) / 1000, 1),
    resyncs: await resyncs(),
    resyncDifferences: (await metrics.resyncDifferences.get()).values[0]?.value ?? 0,
    actions: actions.length,
    runningJobsCancelled: actions.filter((a) => a === 'running job cancelled').length,
    nodeStateChanges: actions.filter((a) => a.startsWith('node4')).length,
    jobsSubmitted: actions.filter((a) => a === 'submitted').length,
  };
}

/** Holds a scaled session (lock + scale + reset on exit) while `work` runs. */
async function inScaledSession<T>(work: () => Promise<T>): Promise<T> {
  const session = spawn(
    'bash',
    [SCRIPT, 'scaled-session', '--nodes', String(EXTRA_NODES), '--cores', String(CORES), '--jobs', String(JOBS)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const ended = new Promise<number | null>((resolve) => session.once('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      session.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('scaled') && resolve());
      void ended.then((code) => reject(new Error(`oar-sandbox scaled-session ended early (${code})`)));
    });
    return await work();
  } finally {
    session.stdin.end(); // the session resets the sandbox, then releases the lock
    await ended;
  }
}

export async function run(): Promise<object> {
  if (!(await sandboxAnswers())) return { skipped: 'the OAR sandbox does not answer (scripts/oar-sandbox up)' };
  const redis = await startRedis();
  process.env.REDIS_URL = redis.url;
  try {
    const sessionStarted = Date.now();
    const results = await inScaledSession(async () => {
      const full = await measureReader('full', ROUNDS.full);
      const incremental = await measureReader('incremental', ROUNDS.incremental);
      return { full, incremental, scaledSessionSeconds: round((Date.now() - sessionStarted) / 1000, 1) };
    });
    const ratio = (key: string) => {
      const full = results.full[key];
      return typeof full === 'number' ? round(full / Math.max(1e-6, results.incremental[key] as number), 1) : null;
    };
    return {
      cluster: { resources: 8 + EXTRA_NODES * CORES, jobs: JOBS, pollMs: 2000 },
      ...results,
      fullOverIncremental: {
        latencyP50: ratio('latencyP50Seconds'),
        latencyP99: ratio('latencyP99Seconds'),
        oarBusyApache: ratio('oarBusyShareApache'),
        oarBusyOarLive: ratio('oarBusyShareOarLive'),
        eventLoopBlock: ratio('longestEventLoopBlockMs'),
      },
    };
  } finally {
    await redis.stop();
    removeRedisDir(redis.dir);
  }
}
