import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { JOB_STATES, OarClient } from '@oar-live/oar-client';
import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import { applyBatch, sameHistory, type Batch, type Snapshot } from '@oar-live/shared';
import { io } from 'socket.io-client';
import { apiEnv, Client, startApiProcess, type ApiProcess } from '../actions/harness';
import { startOarProxy } from './oar-proxy';
import { freePort, removeRedisDir, startRedis, type RunningRedis } from './redis-server';
import { waitFor } from './wait-for';

export const FAULT_KINDS = [
  'kill-poller',
  'redis-restart',
  'redis-data-loss',
  'oar-stopped',
  'network-cut',
  'network-blackhole',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/** Faults between oar-live and OAR: their rounds also time how long until oar-live reads OAR again. */
const OAR_FAULTS: readonly FaultKind[] = ['oar-stopped', 'network-cut', 'network-blackhole'];

export interface ChaosReport {
  rounds: number;
  clients: number;
  divergedClients: number;
  /** Replica processes that exited on their own (a fault must never end one). */
  crashedReplicas: number;
  acceptedMutations: number;
  /** Accepted submits whose record Redis lost before they ran, sent again by the client (see settle). */
  resentAfterDataLoss: number;
  lostMutations: number;
  duplicatedMutations: number;
  duplicatedIn: FaultKind[];
  /** Each lost submit's fault kind and how its operation ended (e.g. failed: OAR's answer). */
  lostIn: string[];
  /** Per fault kind: how long from the end of the fault until every client equals the server (ms). */
  recoveryMs: Record<string, Timing>;
  /**
   * Per fault between oar-live and OAR: how long from its end until a poll begun after it ended
   * well (ms); clients can equal a server that is still stuck on a half-open connection.
   */
  oarReadAgainMs: Record<string, Timing>;
}

interface Timing {
  count: number;
  p50: number;
  max: number;
}

/** A copy of the cluster kept by a subscriber: what it holds now (null before its first snapshot). */
interface Copy {
  name: string;
  current(): Snapshot | null;
  close(): void;
}

/** A Socket.IO subscriber as docs/events.md shows one: resumes with since and epoch, resyncs on a gap. */
function socketCopy(url: string): Copy {
  let snapshot: Snapshot | null = null;
  const socket = io(`${url}/live`, {
    transports: ['websocket'],
    reconnectionDelayMax: 1000,
    auth: (send) => send(snapshot ? { since: snapshot.seq, epoch: snapshot.epoch } : {}),
  });
  socket.on('snapshot', (received: Snapshot) => (snapshot = received));
  socket.on('changes', (batch: Batch) => {
    if (!snapshot || (sameHistory(snapshot, batch) && batch.seq <= snapshot.seq)) return;
    if (!sameHistory(snapshot, batch) || batch.seq !== snapshot.seq + 1) return void socket.disconnect().connect();
    snapshot = applyBatch(snapshot, batch);
  });
  socket.on('disconnect', (reason) => reason === 'io server disconnect' && socket.connect());
  return { name: 'socket.io', current: () => snapshot, close: () => socket.close() };
}

/** An SSE client as a program would write one: applies batches, resumes with Last-Event-ID after a drop. */
function sseCopy(url: string): Copy {
  let snapshot: Snapshot | null = null;
  let lastId: string | undefined;
  let closed = false;
  let controller = new AbortController();
  const run = async () => {
    while (!closed) {
      controller = new AbortController();
      try {
        const res = await fetch(`${url}/api/events`, {
          headers: lastId ? { 'Last-Event-ID': lastId } : {},
          signal: controller.signal,
        });
        let buffer = '';
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += Buffer.from(chunk).toString();
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(message)?.[1];
            const event = field('event');
            const data = field('data');
            if (!event || !data) continue;
            if (event === 'snapshot') snapshot = JSON.parse(data) as Snapshot;
            else if (snapshot) {
              const batch = JSON.parse(data) as Batch;
              if (!sameHistory(snapshot, batch) || batch.seq !== snapshot.seq + 1) throw new Error('gap');
              snapshot = applyBatch(snapshot, batch);
            }
            lastId = field('id') ?? lastId;
          }
        }
      } catch {
        // dropped: resume after the last id applied
      }
      if (!closed) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  void run();
  return {
    name: 'sse',
    current: () => snapshot,
    close: () => {
      closed = true;
      controller.abort();
    },
  };
}

/** `npx oar-live watch` as a child process, its NDJSON applied line by line. */
function watchCopy(url: string): Copy {
  let snapshot: Snapshot | null = null;
  const child: ChildProcess = spawn(
    process.execPath,
    [join(__dirname, '..', '..', 'bin', 'oar-live.js'), 'watch', '--url', url],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let end: number;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, end)) as { snapshot?: Snapshot } & Partial<Batch>;
      buffer = buffer.slice(end + 1);
      if (line.snapshot) snapshot = line.snapshot;
      else if (snapshot) snapshot = applyBatch(snapshot, line as Batch);
    }
  });
  return { name: 'watch', current: () => snapshot, close: () => child.kill('SIGTERM') };
}

/** The first top-level field where two snapshots differ, for the report of a round that did not converge. */
function describeDifference(expected: Snapshot, actual: Snapshot | null): string {
  if (!actual) return 'no snapshot yet';
  const field = (Object.keys(expected) as (keyof Snapshot)[]).find(
    (key) => !isDeepStrictEqual(expected[key], actual[key]),
  );
  return field
    ? `${field}: ${JSON.stringify(actual[field]).slice(0, 120)} ≠ ${JSON.stringify(expected[field]).slice(0, 120)}`
    : 'equal';
}

/**
 * The server's snapshot, parsed as the copies are: under jest, fetch's json() makes objects of
 * another realm, which isDeepStrictEqual never calls equal to the copies'.
 */
async function snapshotOf(url: string): Promise<Snapshot> {
  return JSON.parse(await (await fetch(`${url}/api/cluster`)).text()) as Snapshot;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function timings(byKind: Record<string, number[]>): Record<string, Timing> {
  return Object.fromEntries(
    Object.entries(byKind).map(([kind, times]) => {
      const sorted = [...times].sort((a, b) => a - b);
      return [
        kind,
        { count: sorted.length, p50: Math.round(percentile(sorted, 0.5)), max: Math.round(sorted.at(-1)!) },
      ];
    }),
  );
}

/**
 * Rounds of random faults (the API runs from its build: run `npx tsc -b` first, as `npm run bench`
 * and CI do) against two oar-live processes on one Redis, polling oar-sim through a
 * proxy, while Socket.IO, SSE and `watch` subscribers listen and submits flow (Idempotency-Key,
 * resent on 503 or a dropped connection). After each round every copy must equal the server's
 * snapshot; at the end every accepted submit must be exactly one job in OAR.
 */
export async function runChaos(
  rounds: number,
  seed = 1,
  progress = false,
  kinds: readonly FaultKind[] = FAULT_KINDS,
): Promise<ChaosReport> {
  let random = seed;
  const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const sim: OarSim = await startOarSim({
    host: '127.0.0.1',
    port: 0,
    nodes: 4,
    coresPerNode: 2,
    defaultRunSeconds: 3,
  });
  const proxy = await startOarProxy(new URL(sim.url));
  let redis: RunningRedis = await startRedis();
  const env = apiEnv('chaos', { OAR_API_URL: proxy.url, REDIS_URL: redis.url, OAR_POLL_MS: '300' });
  const ports = [await freePort(), await freePort()];
  const apis: ApiProcess[] = [];
  /** Replicas the campaign ends itself (kill -9, the end); any other exit is a crash, reported. */
  const ended = new Set<ApiProcess>();
  let crashed = 0;
  const startReplica = async (port: number) => {
    const api = await startApiProcess(env, port, { compiled: true });
    api.child.once('exit', (code, signal) => {
      if (ended.has(api)) return;
      crashed += 1;
      process.stderr.write(
        `chaos: the replica on port ${port} exited (${code ?? signal}):\n${api.output().slice(-4000)}\n`,
      );
    });
    return api;
  };
  const endReplica = (api: ApiProcess, how: 'kill' | 'stop') => {
    ended.add(api);
    return api[how]();
  };
  for (const port of ports) apis.push(await startReplica(port));
  const urls = apis.map((api) => api.url);
  const copies: Copy[] = [];
  const oar = new OarClient({ baseUrl: sim.url, auth: 'ident' });
  const accepted = new Map<string, string>();
  const recovery: Record<string, number[]> = {};
  const oarRecovery: Record<string, number[]> = {};
  let diverged = 0;
  let resent = 0;
  /** How each submit's operation ended, as last read (for the report of a lost one). */
  const settledAs = new Map<string, string>();
  try {
    for (const url of urls) copies.push(socketCopy(url), sseCopy(url), watchCopy(url));
    const client = new Client(urls[0]);
    await client.token('alice');
    const body = (key: string) => ({ command: 'sleep 3', resources: '/core=1', walltime: '00:01:00', name: key });
    /** A careful client: resends with the same Idempotency-Key until answered 202 (503, dropped connection). */
    const submit = (key: string) =>
      waitFor(
        async () => {
          const url = urls[Math.floor(next() * urls.length)];
          const res = await fetch(`${url}/api/jobs`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${await client.token('alice')}`,
              'content-type': 'application/json',
              'Idempotency-Key': key,
            },
            body: JSON.stringify(body(key)),
          }).catch(() => undefined);
          if (res?.status !== 202) return false;
          accepted.set(key, ((await res.json()) as { operation: { id: string } }).operation.id);
          return true;
        },
        { timeoutMs: 120_000, intervalMs: 300, describe: `submit ${key} accepted` },
      );
    /** OAR's jobs made for `key` (distinct ids: a job changing state while the pages are read may be listed twice). */
    const jobsFor = async (key: string) => {
      const jobs = await oar.jobs.details({ state: JOB_STATES });
      return new Set(jobs.filter((job) => job.name === key || job.name?.startsWith(`${key}.`)).map((job) => job.id))
        .size;
    };
    /**
     * Waits until the operation settled. An operation whose record Redis lost with its data (404;
     * docs/operations.md: data loss drops acknowledged operations) is sent again with its key, as a
     * careful client would, only once it made sure (here: in OAR) that it had not run before the loss.
     */
    const settle = (key: string) => {
      let answer = '';
      return waitFor(
        async () => {
          const res = await fetch(`${urls[0]}/api/operations/${accepted.get(key)}`, {
            headers: { authorization: `Bearer ${await client.token('alice')}` },
          }).catch(() => undefined);
          answer = `${res?.status}`;
          if (res?.status === 404) {
            if ((await jobsFor(key)) > 0) return true;
            resent += 1;
            await submit(key);
          }
          if (res?.status !== 200) return false;
          const operation = (await res.json()) as { state: string; error?: { message: string; detail?: string } };
          answer = JSON.stringify(operation);
          const { error } = operation;
          settledAs.set(
            key,
            `${operation.state}${error ? ` (${error.message}${error.detail ? ` [${error.detail}]` : ''})` : ''}`,
          );
          return operation.state === 'succeeded' || operation.state === 'failed';
        },
        {
          timeoutMs: 180_000,
          intervalMs: 300,
          describe: () => `operation for ${key} settled; last answer ${answer}`,
        },
      ).catch(async (err: Error) => {
        const logs = apis.map((api) => api.output().slice(-3000)).join('\n---\n');
        throw new Error(`${err.message}; ${key} has ${await jobsFor(key)} OAR jobs; the replicas said:\n${logs}`);
      });
    };
    /** Each replica's count of polls ended (well or not). */
    const polls = async () =>
      Promise.all(
        urls.map(async (url) => {
          const text = await (await fetch(`${url}/api/metrics`)).text();
          return Number(/^oar_live_poll_duration_seconds_count (\d+)/m.exec(text)?.[1] ?? 0);
        }),
      );
    const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    /** When a poll begun after now has ended (two more polls: one may be in flight) and OAR reads as up. */
    const oarReadAgain = async () => {
      const before = sum(await polls());
      return waitFor(
        async () =>
          sum(await polls()) >= before + 2 && (await snapshotOf(urls[0])).source.status === 'up' && performance.now(),
        { timeoutMs: 60_000, intervalMs: 100, describe: 'OAR read again' },
      );
    };
    /** The replica that polls OAR: the one whose poll count grows. */
    const pollerIndex = async (): Promise<number> => {
      const before = await polls();
      return waitFor(
        async () => {
          const now = await polls();
          const grown = now.findIndex((count, i) => count > before[i]);
          return grown >= 0 ? grown : false;
        },
        { describe: 'the polling replica' },
      );
    };
    for (let round = 0; round < rounds; round++) {
      const kind = kinds[round % kinds.length];
      // A replica that crashed (reported) is started again, so one crash does not fail every later round.
      for (const [i, api] of apis.entries())
        if (!ended.has(api) && (api.child.exitCode !== null || api.child.signalCode !== null))
          apis[i] = await startReplica(ports[i]);
      const keys = [0, 1].map((i) => `chaos-${seed}-${round}-${i}`);
      const flow = Promise.all(keys.map(submit));
      switch (kind) {
        case 'kill-poller': {
          const victim = await pollerIndex();
          await endReplica(apis[victim], 'kill');
          apis[victim] = await startReplica(ports[victim]);
          break;
        }
        case 'redis-restart':
          await redis.stop();
          redis = await startRedis({ dir: redis.dir, port: redis.port });
          break;
        case 'redis-data-loss':
          await redis.stop();
          removeRedisDir(redis.dir);
          redis = await startRedis({ port: redis.port });
          break;
        case 'oar-stopped':
          await proxy.stop(true);
          await new Promise((resolve) => setTimeout(resolve, 1000 + next() * 1000));
          await proxy.stop(false);
          break;
        case 'network-cut':
          proxy.cut(true);
          await new Promise((resolve) => setTimeout(resolve, 1000 + next() * 1000));
          proxy.cut(false);
          break;
        case 'network-blackhole':
          proxy.blackhole(true);
          await new Promise((resolve) => setTimeout(resolve, 1000 + next() * 1000));
          proxy.blackhole(false);
          break;
      }
      const healed = performance.now();
      const readAgain = OAR_FAULTS.includes(kind) ? oarReadAgain().catch(() => undefined) : undefined;
      await flow;
      let differing = copies.length;
      let lastDifference = '';
      const converged = await waitFor(
        async () => {
          const server = await snapshotOf(urls[0]);
          const other = await snapshotOf(urls[1]);
          if (!isDeepStrictEqual(server, other)) {
            lastDifference = `replicas differ: ${describeDifference(server, other)}`;
            return false;
          }
          const behind = copies.filter((copy) => !isDeepStrictEqual(copy.current(), server));
          differing = behind.length;
          lastDifference = behind
            .map((copy) => `${copy.name}: ${describeDifference(server, copy.current())}`)
            .join('; ');
          return differing === 0 && performance.now();
        },
        { timeoutMs: 60_000, intervalMs: 100, describe: `round ${round} (${kind}): every client equal to the server` },
      ).catch(() => undefined);
      // Settled before the next fault, so a later data loss cannot take the record of a finished operation.
      await Promise.all(keys.map(settle));
      const oarBack = await readAgain;
      if (oarBack) (oarRecovery[kind] ??= []).push(oarBack - healed);
      else if (readAgain) process.stderr.write(`chaos round ${round} (${kind}): OAR not read again within 60 s\n`);
      if (converged) {
        (recovery[kind] ??= []).push(converged - healed);
        const oarNote = oarBack ? `, OAR read again after ${Math.round(oarBack - healed)} ms` : '';
        if (progress)
          process.stderr.write(
            `chaos round ${round} (${kind}): converged ${Math.round(converged - healed)} ms after the fault${oarNote}\n`,
          );
      } else {
        diverged += differing;
        process.stderr.write(`chaos round ${round} (${kind}) did not converge: ${lastDifference}\n`);
      }
    }
    const kindOf = (key: string) => kinds[Number(key.split('-')[2]) % kinds.length];
    const counts: number[] = [];
    for (const key of accepted.keys()) counts.push(await jobsFor(key));
    return {
      rounds,
      clients: copies.length,
      divergedClients: diverged,
      crashedReplicas: crashed,
      acceptedMutations: accepted.size,
      resentAfterDataLoss: resent,
      lostMutations: counts.filter((n) => n === 0).length,
      duplicatedMutations: counts.filter((n) => n > 1).length,
      // Which rounds' submits ran twice (the key names the round; rounds cycle through `kinds`).
      duplicatedIn: [...accepted.keys()].filter((_, i) => counts[i] > 1).map(kindOf),
      lostIn: [...accepted.keys()]
        .filter((_, i) => counts[i] === 0)
        .map((key) => `${kindOf(key)}: ${settledAs.get(key)}`),
      recoveryMs: timings(recovery),
      oarReadAgainMs: timings(oarRecovery),
    };
  } finally {
    for (const copy of copies) copy.close();
    for (const api of apis) await endReplica(api, 'stop');
    await redis.stop();
    removeRedisDir(redis.dir);
    await proxy.close();
    await sim.stop();
  }
}
