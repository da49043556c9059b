/**
 * The live pipeline against oar-sim, side by side in one run:
 * 1. OAR requests per minute with 0, 100 and 1,000 subscribers (must be equal) vs a naive baseline
 *    where each subscriber polls OAR itself (jobs/details + resources/full at the same interval).
 * 2. At 5,000 nodes / 25,000 resources, with 1,000 Socket.IO subscribers: poll-completed →
 *    subscriber-received latency (p50/p99) of a 250-change batch; the longest event-loop block during
 *    such a poll; bytes sent per subscriber per batch vs re-sending the snapshot; server heap per
 *    connection.
 * Subscribers run in child processes (bench/live-clients.ts) so their work does not count as the server's.
 * oar-sim answers as slowly as the real OAR (MEASURED_COSTS, libs/oar-sim/src/cost-model.ts).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { OarClient } from '@oar-live/oar-client';
import { MEASURED_COSTS } from '@oar-live/oar-sim';
import type { Batch } from '@oar-live/shared';
import { ClusterStateService } from '../apps/api/src/cluster/cluster-state.service';
import { EventLogService } from '../apps/api/src/cluster/event-log.service';
import { MetricsService } from '../apps/api/src/metrics/metrics.service';
import { startApi, type RunningApi } from '../test/live/api';
import { uniquePrefix } from '../test/live/support';
import {
  BIG_CORES,
  BIG_NODES,
  Clients,
  cpuMs,
  percentile,
  round,
  Sim,
  startBigCluster,
  waitMs,
  withLiveParts,
} from './live-harness';

const RATE_POLLS = 10;
const NAIVE_WINDOW_MS = 5_000;
const POLL_MS = 1000;
const SUBSCRIBERS = 1000;
const CHANGES = 250;
const ROUNDS = 4;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const perMinute = (count: number, ms: number) => Math.round((count * 60_000) / ms);

async function pollCount(api: RunningApi): Promise<number> {
  const { values } = await api.app.get(MetricsService).pollDuration.get();
  return values.find((v) => v.metricName === 'oar_live_poll_duration_seconds_count')?.value ?? 0;
}

/** Waits for the end of the next poll (checked every 5 ms), so rate windows start and end on poll boundaries. */
async function nextPollEnd(api: RunningApi): Promise<number> {
  const polls = await pollCount(api);
  while ((await pollCount(api)) === polls) await waitMs(5);
  return performance.now();
}

/**
 * Requests oar-sim receives per minute, and per poll, while the API serves `count` subscribers,
 * over RATE_POLLS whole polls (the rate also moves with how long each poll takes; per poll is exact).
 */
async function serverRate(
  sim: Sim,
  api: RunningApi,
  clients: Clients,
  count: number,
): Promise<{ perMinute: number; perPoll: number }> {
  await clients.close();
  await clients.connect(api.url, count, api.app.get(ClusterStateService).current().seq);
  const started = await nextPollEnd(api);
  const before = await sim.requestCount();
  for (let i = 0; i < RATE_POLLS; i++) await nextPollEnd(api);
  const requests = (await sim.requestCount()) - before;
  return { perMinute: perMinute(requests, performance.now() - started), perPoll: requests / RATE_POLLS };
}

/**
 * Requests per minute oar-sim receives when `count` clients each poll it themselves every POLL_MS
 * (what it could serve: at 1,000 pollers it saturates, and failed polls are counted apart).
 */
async function naiveRate(
  sim: Sim,
  count: number,
): Promise<{ perMinute: number; demandedPerMinute: number; failedPolls: number }> {
  const oar = new OarClient({ baseUrl: sim.url, auth: 'none', timeoutMs: 5000 });
  const before = await sim.requestCount();
  const deadline = Date.now() + NAIVE_WINDOW_MS;
  let failedPolls = 0;
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      await waitMs((i * POLL_MS) / count);
      while (Date.now() < deadline) {
        const started = Date.now();
        await Promise.all([oar.jobs.details(), oar.resources.full()]).catch(() => failedPolls++);
        await waitMs(Math.max(0, POLL_MS - (Date.now() - started)));
      }
    }),
  );
  return {
    perMinute: perMinute((await sim.requestCount()) - before, NAIVE_WINDOW_MS),
    demandedPerMinute: perMinute(count * 2, POLL_MS),
    failedPolls,
  };
}

async function requestRates(sim: Sim, clients: Clients): Promise<object> {
  await sim.start({ nodes: 50, coresPerNode: 2, costs: MEASURED_COSTS });
  const api = await startApi({
    REDIS_KEY_PREFIX: uniquePrefix('bench-rate'),
    OAR_API_URL: sim.url,
    OAR_POLL_MS: String(POLL_MS),
  });
  try {
    const oneLive: Record<number, { perMinute: number; perPoll: number }> = {};
    for (const count of [0, 100, 1000]) oneLive[count] = await serverRate(sim, api, clients, count);
    await clients.close();
    await api.close();
    const naive = { 100: await naiveRate(sim, 100), 1000: await naiveRate(sim, 1000) };
    return {
      pollMs: POLL_MS,
      oarLivePerMinute: oneLive,
      naivePerMinute: naive,
      naiveOverOarLiveAt100: round(naive[100].perMinute / oneLive[100].perMinute),
      naiveOverOarLiveAt1000: round(naive[1000].perMinute / oneLive[1000].perMinute),
    };
  } finally {
    await api.close().catch(() => undefined);
    await sim.ask({ stop: true });
  }
}

async function bigCluster(sim: Sim, clients: Clients): Promise<object> {
  const { api, poller, initialPollMs } = await startBigCluster(sim);
  const log = api.app.get(EventLogService);
  const state = api.app.get(ClusterStateService);
  const oar = new OarClient({ baseUrl: sim.url, auth: 'ident' });
  try {
    const snapshotBytes = Buffer.byteLength(JSON.stringify(state.current()));

    /** Sets the first resource of CHANGES nodes Absent (or back Alive), then polls by hand, watching the event loop. */
    const changeAndPoll = async (round: number) => {
      const target = round % 2 === 0 ? 'Absent' : 'Alive';
      const changed = state
        .current()
        .nodes.slice(0, CHANGES)
        .map((node) => node.resources[0].id);
      for (const id of changed) await oar.resources.setState(id, target, { as: 'oar' });
      // Like OAR, the simulator applies state requests a moment later: wait for the last one.
      while ((await oar.resources.get(changed.at(-1)!)).state !== target) await waitMs(50);
      let appendedAt = 0;
      let cpuAtAppend = process.cpuUsage();
      const subscription = log.appended$.subscribe(() => {
        appendedAt = performance.timeOrigin + performance.now();
        cpuAtAppend = process.cpuUsage();
      });
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const started = performance.now();
      const batch = (await poller.pollOnce()) as Batch;
      const pollMs = performance.now() - started;
      await waitMs(20); // the fan-out runs right after the append: let the monitor see all of it
      loop.disable();
      subscription.unsubscribe();
      if (batch.events.length !== CHANGES) throw new Error(`expected ${CHANGES} changes, got ${batch.events.length}`);
      return { batch, appendedAt, cpuAtAppend, pollMs, blockMs: loop.max / 1e6 };
    };

    const quiet = [];
    for (let round = 0; round < 2; round++) quiet.push(await changeAndPoll(round));

    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    await clients.connect(api.url, SUBSCRIBERS, state.current().seq);
    gc();
    const heapPerConnection = (process.memoryUsage().heapUsed - heapBefore) / SUBSCRIBERS;

    const latencies: number[] = [];
    const loud = [];
    /** CPU time from the append to the last arrival: the server's, and the subscribers' process's. */
    const fanOutCpuMs: { server: number; subscribers: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const clientCpuBefore = (await clients.report(-1)).cpuMs;
      const result = await changeAndPoll(round);
      loud.push(result);
      let report = { arrivals: [] as number[], cpuMs: clientCpuBefore };
      for (let tries = 0; tries < 200 && report.arrivals.length < SUBSCRIBERS; tries++) {
        report = await clients.report(result.batch.seq);
        if (report.arrivals.length < SUBSCRIBERS) await waitMs(50);
      }
      if (report.arrivals.length < SUBSCRIBERS)
        throw new Error(`only ${report.arrivals.length} subscribers got batch ${result.batch.seq}`);
      latencies.push(...report.arrivals.map((at) => at - result.appendedAt));
      fanOutCpuMs.push({
        server: cpuMs(process.cpuUsage(result.cpuAtAppend)),
        subscribers: Math.round(report.cpuMs - clientCpuBefore),
      });
    }
    const batchBytes = Buffer.byteLength(JSON.stringify(loud[0].batch));
    latencies.sort((a, b) => a - b);
    return {
      nodes: BIG_NODES,
      resources: BIG_NODES * BIG_CORES,
      subscribers: SUBSCRIBERS,
      changesPerBatch: CHANGES,
      rounds: ROUNDS,
      initialPollMs: Math.round(initialPollMs),
      pollMs: [...quiet, ...loud].map((r) => Math.round(r.pollMs)),
      latencyMs: {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies.at(-1)!),
        goalP99: 250,
      },
      fanOutCpuMs,
      longestEventLoopBlockMs: {
        goal: 50,
        pollOnly: quiet.map((r) => round(r.blockMs)),
        pollAndFanOutTo1000: loud.map((r) => round(r.blockMs)),
      },
      bytesPerSubscriberPerBatch: batchBytes,
      snapshotBytes,
      snapshotOverBatch: round(snapshotBytes / batchBytes),
      batchPercentOfSnapshot: { measured: Math.round((batchBytes / snapshotBytes) * 1e4) / 100, goal: 1 },
      heapPerConnectionKB: { measured: round(heapPerConnection / 1024), goal: 15 },
    };
  } finally {
    await clients.close();
    await api.close();
    await sim.ask({ stop: true });
  }
}

export function run(): Promise<object> {
  return withLiveParts(async (sim, clients) => ({
    requestRates: await requestRates(sim, clients),
    bigCluster: await bigCluster(sim, clients),
  }));
}
