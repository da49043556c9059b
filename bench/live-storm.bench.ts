/**
 * A reconnect storm: STORM_SUBSCRIBERS Socket.IO subscribers open their sockets at once without
 * `since` (every wall display reconnecting after a network blip), so each needs the whole snapshot
 * of a 5,000-node × 5-core cluster on oar-sim. Measured in the server's process (this one): the
 * longest event-loop block (monitorEventLoopDelay, 1 ms resolution) and its CPU time. Measured by
 * the subscribers (bench/live-clients.ts, two child processes that offer permessage-deflate like a
 * browser): from opening each socket to the snapshot's last byte read from it, and to the whole
 * message in hand (after their own inflating, which the subscribers' CPU time shows). Run twice:
 * with a sample of the subscribers inflating, and with all of them (see storm).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ClusterStateService } from '../apps/api/src/cluster/cluster-state.service';
import type { RunningApi } from '../test/live/api';
import {
  Clients,
  cpuMs,
  percentile,
  round,
  Sim,
  startBigCluster,
  waitMs,
  withLiveParts,
  type SnapshotTiming,
} from './live-harness';

const STORM_SUBSCRIBERS = 500;
const STORM_GOAL_MS = 2000;
/** In the first storm one subscriber in this many inflates its snapshot (for the time to have it in hand). */
const INFLATE_EVERY = 25;
/** How long the bench waits for every snapshot before calling the storm failed. */
const GIVE_UP_MS = 60_000;

/** The storm begins once the event loop has been this quiet (longest block, ms) for QUIET_WINDOW_MS. */
const QUIET_BLOCK_MS = 20;
const QUIET_WINDOW_MS = 500;
const SETTLE_MAX_MS = 15_000;

/**
 * Waits until the server is idle, and says how long that took: when the first poll returns, its
 * 5,000-node batch (2.3 MB) is still being read back from Redis by the stream relay of this fresh
 * process, work of the first poll that is not the storm's.
 */
async function settle(): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < SETTLE_MAX_MS) {
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    await waitMs(QUIET_WINDOW_MS);
    loop.disable();
    if (loop.max / 1e6 < QUIET_BLOCK_MS) break;
  }
  return Math.round(performance.now() - started);
}

function spread(values: number[]): object {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1)!),
  };
}

/**
 * One storm on the running server: every subscriber opens its socket at once, and the server's
 * longest event-loop block and CPU time are measured until each has its snapshot.
 */
async function oneStorm(api: RunningApi, clients: Clients, inflateEvery: number): Promise<object> {
  const settledAfterMs = await settle();
  const clientCpuBefore = (await clients.snapshots()).cpuMs;
  const serverCpuBefore = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const started = performance.now();
  await clients.connect(api.url, STORM_SUBSCRIBERS, undefined, inflateEvery);
  let report = await clients.snapshots();
  while (report.timings.length < STORM_SUBSCRIBERS && performance.now() - started < GIVE_UP_MS) {
    await waitMs(50);
    report = await clients.snapshots();
  }
  loop.disable();
  const served: SnapshotTiming[] = report.timings;
  if (served.length < STORM_SUBSCRIBERS) throw new Error(`only ${served.length} subscribers got their snapshot`);
  const inHand = served.flatMap((t) => (t.message === undefined ? [] : [t.message]));
  await clients.close();
  return {
    subscribersInflating: inHand.length,
    settledAfterMs,
    longestEventLoopBlockMs: { measured: round(loop.max / 1e6), p99: round(loop.percentile(99) / 1e6), goal: 50 },
    snapshotLastByteMs: { ...spread(served.map((t) => t.lastByte)), goalMax: STORM_GOAL_MS },
    snapshotInHandMs: spread(inHand),
    cpuMs: { server: cpuMs(process.cpuUsage(serverCpuBefore)), subscribers: report.cpuMs - clientCpuBefore },
  };
}

/**
 * The storm twice on one server, side by side: with the subscribers inflating a sample of the
 * snapshots (INFLATE_EVERY; each wall display inflates its own on its own machine), then with every
 * subscriber inflating its own as before, which loads the server's two cores with 1.2 GB of inflating.
 * The first storm encodes the snapshot; the second finds it encoded.
 */
async function storm(sim: Sim, clients: Clients): Promise<object> {
  const { api, initialPollMs } = await startBigCluster(sim);
  try {
    const snapshotBytes = Buffer.byteLength(JSON.stringify(api.app.get(ClusterStateService).current()));
    return {
      subscribers: STORM_SUBSCRIBERS,
      snapshotBytes,
      initialPollMs: Math.round(initialPollMs),
      subscribersInflatingASample: await oneStorm(api, clients, INFLATE_EVERY),
      everySubscriberInflating: await oneStorm(api, clients, 1),
    };
  } finally {
    await clients.close();
    await api.close();
    await sim.ask({ stop: true });
  }
}

export function run(): Promise<object> {
  return withLiveParts(async (sim, clients) => ({ reconnectStorm: await storm(sim, clients) }));
}
