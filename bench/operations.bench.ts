/**
 * 100 job submits to oar-live in one burst, against the OAR simulator behind a mutation meter:
 * every submit must succeed with never more than one OAR mutation in flight; time to the 202
 * answer (p50/p99, goal ≤ 100 ms); and end-to-end throughput (burst start → last operation settled)
 * against the same 100 submits sent straight to the simulator one after another (the ratio).
 */
import { OarClient } from '@oar-live/oar-client';
import { startOarSim } from '@oar-live/oar-sim';
import { Subscriber } from '../test/live/api';
import { apiEnv, Client, startApiProcess } from '../test/actions/harness';
import { startMutationMeter } from '../test/actions/mutation-meter';
import { removeRedisDir, startRedis } from '../test/support/redis-server';

const SUBMITS = 100;
const request = (i: number) => ({ command: `echo bench ${i}`, resources: '/core=1', walltime: '00:05:00' });

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const round = (x: number) => Math.round(x * 10) / 10;

/** Last state of each operation in `ids` that reached succeeded or failed, from the batches received. */
function finalStates(subscriber: Subscriber, ids: Set<string>): Map<string, string> {
  const states = new Map<string, string>();
  for (const batch of subscriber.batches) {
    for (const event of batch.events) {
      if (event.type !== 'operation.updated' || !ids.has(event.operation.id)) continue;
      const { id, state } = event.operation;
      if (state === 'succeeded' || state === 'failed') states.set(id, state);
    }
  }
  return states;
}

export async function run(): Promise<object> {
  const sim = await startOarSim({ host: '127.0.0.1', port: 0, nodes: 64, coresPerNode: 4 });
  const redis = await startRedis();
  const meter = await startMutationMeter(sim.url);
  let subscriber: Subscriber | undefined;
  const api = await startApiProcess(apiEnv('bench-operations', { OAR_API_URL: meter.url, REDIS_URL: redis.url }));
  try {
    const client = new Client(api.url);
    await client.token('alice');
    subscriber = new Subscriber(api.url);
    const live = subscriber;
    await live.until(() => live.snapshots[0], 'the first snapshot');
    // Warm-up: one submit through the whole path (first requests pay for JIT and connections).
    const warm = await client.request('POST', '/api/jobs', { as: 'alice', body: request(-1) });
    await client.settled(warm.body.operation.id);
    // Context for the burst numbers: the same request alone (one at a time), on the same machine.
    const alone: number[] = [];
    for (let i = 0; i < 20; i++) {
      const sent = performance.now();
      const res = await client.request('POST', '/api/jobs', { as: 'alice', body: request(1000 + i) });
      alone.push(performance.now() - sent);
      await client.settled(res.body.operation.id);
    }
    alone.sort((a, b) => a - b);
    const mutationsBefore = meter.mutations();

    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: SUBMITS }, async (_, i) => {
        const sent = performance.now();
        const res = await client.request('POST', '/api/jobs', { as: 'alice', body: request(i) });
        return { status: res.status, id: res.body.operation?.id as string, ms: performance.now() - sent };
      }),
    );
    const ids = new Set(answers.map((answer) => answer.id));
    // Settled operations are counted from the live stream, so measuring adds no requests.
    const settled = await live.until(
      () => {
        const done = finalStates(live, ids);
        return done.size === SUBMITS && done;
      },
      `${SUBMITS} submits settled`,
      300_000,
    );
    const viaOarLiveMs = performance.now() - started;

    const direct = new OarClient({ baseUrl: sim.url, auth: 'ident' });
    const directStarted = performance.now();
    for (let i = 0; i < SUBMITS; i++)
      await direct.jobs.submit(
        { command: `echo direct ${i}`, resources: '/core=1,walltime=00:05:00' },
        { as: 'alice' },
      );
    const directMs = performance.now() - directStarted;

    const latencies = answers.map((answer) => answer.ms).sort((a, b) => a - b);
    const throughput = (SUBMITS / viaOarLiveMs) * 1000;
    const directThroughput = (SUBMITS / directMs) * 1000;
    return {
      submits: SUBMITS,
      answered202: answers.filter((answer) => answer.status === 202).length,
      succeeded: [...settled.values()].filter((state) => state === 'succeeded').length,
      oarMutations: meter.mutations() - mutationsBefore,
      maxOarMutationsInFlight: meter.maxInFlight(),
      timeTo202: {
        p50Ms: round(percentile(latencies, 0.5)),
        p99Ms: round(percentile(latencies, 0.99)),
        maxMs: round(latencies[latencies.length - 1]),
        goalP99Ms: 100,
      },
      timeTo202OneAtATime: { p50Ms: round(percentile(alone, 0.5)), maxMs: round(alone[alone.length - 1]) },
      viaOarLive: { totalMs: Math.round(viaOarLiveMs), submitsPerSecond: round(throughput) },
      directSequential: { totalMs: Math.round(directMs), submitsPerSecond: round(directThroughput) },
      throughputRatio: Math.round((throughput / directThroughput) * 100) / 100,
    };
  } finally {
    subscriber?.close();
    await api.stop();
    await meter.close();
    await redis.stop();
    removeRedisDir(redis.dir);
    await sim.stop();
  }
}
