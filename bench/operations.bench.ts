/**
 * Bursts of 100 job submits to oar-live, against the OAR simulator behind a mutation meter: every
 * submit must succeed with never more than one OAR mutation in flight; time to the 202 answer
 * (p50/p99, goal ≤ 100 ms); and end-to-end throughput (burst start → last operation settled) against
 * the same 100 submits sent straight to the simulator one after another (the ratio).
 * WARM_UP_BURSTS first (V8 needs a few hundred requests to optimise the path; their p99s are
 * reported apart), then BURSTS measured ones, each settled before the
 * next; then as many bursts refused at the token check, the floor of this HTTP stack on this machine.
 * The requests are sent and timed by bench/burst-client.js in a worker thread, on a keep-alive
 * node:http agent (fetch costs more CPU per request than the server spends).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { OarClient } from '@oar-live/oar-client';
import { MEASURED_COSTS, startOarSim } from '@oar-live/oar-sim';
import { Subscriber } from '../test/live/api';
import { apiEnv, Client, startApiProcess } from '../test/actions/harness';
import { startMutationMeter } from '../test/actions/mutation-meter';
import { removeRedisDir, startRedis } from '../test/support/redis-server';

const SUBMITS = 100;
const BURSTS = 5;
const WARM_UP_BURSTS = 3;
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

interface Answer {
  status: number;
  id: string;
  ms: number;
}

/** The load generator thread: sends `bodies` at once with `bearer` and answers each one's status, id and time. */
function startLoadGenerator(url: string) {
  const worker = new Worker(join(__dirname, 'burst-client.js'));
  const send = (bearer: string, bodies: object[]) =>
    new Promise<Answer[]>((resolve, reject) => {
      worker.once('message', (reply: { answers?: Answer[]; error?: string }) =>
        reply.answers ? resolve(reply.answers) : reject(new Error(reply.error)),
      );
      worker.postMessage({ url, bearer, bodies });
    });
  return { send, stop: () => worker.terminate() };
}

/** The p99 time of one burst's answers. */
const p99Of = (burst: { answers: Answer[] }) =>
  round(
    percentile(
      burst.answers.map((a) => a.ms).sort((x, y) => x - y),
      0.99,
    ),
  );

/** CPU time (user + system, ms) the process `pid` has used so far, from /proc. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

export async function run(): Promise<object> {
  const sim = await startOarSim({ host: '127.0.0.1', port: 0, nodes: 64, coresPerNode: 4, costs: MEASURED_COSTS });
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
    const load = startLoadGenerator(api.url);
    const token = await client.token('alice');
    const alone: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [answer] = await load.send(token, [request(-100 - i)]);
      alone.push(answer.ms);
      await client.settled(answer.id);
    }
    alone.sort((a, b) => a - b);
    /** SUBMITS requests at once with `bearer`: each one's answer and time, and the server's CPU time for all. */
    const send = async (bearer: string, label: number) => {
      const cpuBefore = cpuMsOf(api.child.pid!);
      const answers = await load.send(
        bearer,
        Array.from({ length: SUBMITS }, (_, i) => request(label * SUBMITS + i)),
      );
      return { answers, cpuMs: cpuMsOf(api.child.pid!) - cpuBefore };
    };
    /** One burst of submits, settled (counted from the live stream, so measuring adds no requests). */
    const burst = async (label: number) => {
      const started = performance.now();
      const { answers, cpuMs } = await send(token, label);
      const ids = new Set(answers.map((answer) => answer.id));
      const settled = await live.until(
        () => {
          const done = finalStates(live, ids);
          return done.size === SUBMITS && done;
        },
        `${SUBMITS} submits settled`,
        300_000,
      );
      return { answers, settled, cpuMs, totalMs: performance.now() - started };
    };
    const warmUp = [];
    for (let b = 0; b < WARM_UP_BURSTS; b++) warmUp.push(await burst(-1 - b));
    const mutationsBefore = meter.mutations();
    const bursts = [];
    for (let b = 1; b <= BURSTS; b++) bursts.push(await burst(b));
    // The floor: the same bursts refused by the token check (HTTP, body, logging, guard; no Redis, no queue).
    const refused = [];
    for (let b = 1; b <= BURSTS; b++) refused.push(await send('not-a-token', 100 + b));
    await load.stop();
    const viaOarLiveMs = bursts.reduce((sum, b) => sum + b.totalMs, 0) / BURSTS;
    const answers = bursts.flatMap((b) => b.answers);
    const burstP99s = bursts.map(p99Of);

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
      submitsPerBurst: SUBMITS,
      measuredBursts: BURSTS,
      answered202: answers.filter((answer) => answer.status === 202).length,
      succeeded: bursts.reduce((sum, b) => sum + [...b.settled.values()].filter((s) => s === 'succeeded').length, 0),
      oarMutations: meter.mutations() - mutationsBefore,
      maxOarMutationsInFlight: meter.maxInFlight(),
      timeTo202: {
        p50Ms: round(percentile(latencies, 0.5)),
        p99Ms: round(percentile(latencies, 0.99)),
        maxMs: round(latencies[latencies.length - 1]),
        p99MsPerBurst: burstP99s,
        warmUpBurstsP99Ms: warmUp.map(p99Of),
        goalP99Ms: 100,
      },
      serverCpuMsPerSubmit: bursts.map((b) => round(b.cpuMs / SUBMITS)),
      refusedBurstsFloor: {
        answered401: refused.flatMap((b) => b.answers).filter((answer) => answer.status === 401).length,
        p99MsPerBurst: refused.map(p99Of),
        serverCpuMsPerRequest: refused.map((b) => round(b.cpuMs / SUBMITS)),
      },
      timeTo202OneAtATime: { p50Ms: round(percentile(alone, 0.5)), maxMs: round(alone[alone.length - 1]) },
      viaOarLive: { msPerBurst: Math.round(viaOarLiveMs), submitsPerSecond: round(throughput) },
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
