/**
 * What the real-scale benches share: the scaled REAL OAR sandbox (3,125 extra nodes × 8 cores +
 * node1..4 = 25,008 resources, 1,000 jobs from one `oarsub --array`), job changes made directly with
 * `oarsub` / `oardel` as alice, and OAR's own measure of its busy time (Apache's %D log).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { SourceStatus } from '@oar-live/shared';
import { startRedis, removeRedisDir } from '../test/support/redis-server';
import { sampleBlocks } from './block-sampler';

export const API = 'http://127.0.0.1:6668/oarapi';
const SCRIPT = join(__dirname, '..', 'scripts', 'oar-sandbox');
const TIMED_LOG = '/var/log/apache2/oar-api-timed.log';
export const EXTRA_NODES = 3125;
export const CORES = 8;
export const JOBS = 1000;
export const CLUSTER = { resources: 8 + EXTRA_NODES * CORES, jobs: JOBS, pollMs: 2000 };

export const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
export const quantile = (values: number[], q: number) => {
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

/**
 * oarsub / oardel / oarstat take 0.5-3 s each on the loaded host: run synchronously they blocked the
 * bench's thread, where oar-live's event loop is measured, and even spawned from it each spawn did
 * (see ./real-scale-commands.js, which runs them).
 */
let commands: ChildProcess | undefined;
let nextCommand = 0;
const pending = new Map<number, { resolve: (stdout: string) => void; reject: (err: Error) => void }>();
function run(file: string, args: string[], cwd = '/'): Promise<string> {
  if (!commands) {
    commands = fork(join(__dirname, 'real-scale-commands.js'), { stdio: 'inherit' });
    commands.on('message', ({ id, stdout, error }: { id: number; stdout?: string; error?: string }) => {
      const waiter = pending.get(id)!;
      pending.delete(id);
      if (error === undefined) waiter.resolve(stdout!);
      else waiter.reject(new Error(error));
    });
  }
  const id = nextCommand++;
  commands.send({ id, file, args, cwd });
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}
/** Ends the commands' process (at the end of a scaled session). */
function stopCommands(): void {
  commands?.disconnect();
  commands = undefined;
}
const asAlice = (command: string) => run('su', ['alice', '-c', command], '/home/alice');
export const oarsub = async () =>
  Number(/OAR_JOB_ID=(\d+)/.exec(await asAlice("oarsub -l /core=1,walltime=00:10:00 'sleep 600'"))![1]);
export const oardel = async (id: number) => asAlice(`oardel ${id}`);
/** In a workload a job may end on its own (or by an earlier oardel) before it is cancelled: OAR says so, not a failure. */
export const cancelIfThere = async (id: number) => {
  try {
    await oardel(id);
  } catch (err) {
    if (!/already killed|not the right user|Cannot frag/.test(String(err))) throw err;
  }
};
/** The job's state as `oarstat -s` says it (OAR's own view, read from its database, not its API). */
export const oarstatState = async (id: number) => /: (\w+)/.exec(await run('oarstat', ['-s', '-j', String(id)]))?.[1];
/** When (epoch ms) `oarstat` first showed the job in a final state, asked every `everyMs`. */
export async function whenOarstatShowsFinal(id: number, everyMs = 250): Promise<number> {
  for (;;) {
    const asked = Date.now();
    if (['Error', 'Terminated'].includes((await oarstatState(id)) ?? '')) return asked;
    await waitMs(everyMs);
  }
}
export const setNodeState = async (node: string, state: 'Absent' | 'Alive') =>
  run('oarnodesetting', ['-n', '-h', node, '-s', state]);

export const timedLogSize = () => statSync(TIMED_LOG).size;

/** An oar-live request's kind, for where OAR's time went: the path without ids, and `?ids` for detail reads by ids. */
function requestKind(target: string): string {
  const [path, query = ''] = target.replace(/^\/oarapi/, '').split('?');
  return path.replace(/\/\d+/g, '/<id>').replace(/\.json$/, '') + (/(^|&)ids=/.test(query) ? '?ids' : '');
}

/**
 * Seconds Apache spent on oar-live's requests that started in [from, to] (epoch ms), from the timed
 * log after `offset`; also per request kind (requestKind): count and busy seconds.
 */
export function apacheBusy(
  offset: number,
  from: number,
  to: number,
): {
  busySeconds: number;
  requests: number;
  errors: number;
  byKind: Record<string, { requests: number; seconds: number }>;
} {
  const size = statSync(TIMED_LOG).size;
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(TIMED_LOG, 'r');
  readSync(fd, buffer, 0, buffer.length, offset);
  closeSync(fd);
  let busy = 0;
  let requests = 0;
  let errors = 0;
  const byKind: Record<string, { requests: number; seconds: number }> = {};
  for (const line of buffer.toString('utf8').split('\n')) {
    const match = /^(\d+\.\d+) (\d+) (\d+) "\S+ (\S+) [^"]*" "oar-live"$/.exec(line);
    if (!match) continue;
    const startMs = Number(match[1]) * 1000;
    if (startMs < from || startMs > to) continue;
    // A request that began before `to` but lasts beyond it counts up to `to` only.
    const seconds = Math.min(Number(match[2]) / 1e6, (to - startMs) / 1000);
    busy += seconds;
    requests += 1;
    if (Number(match[3]) >= 500) errors += 1;
    const kind = (byKind[requestKind(match[4])] ??= { requests: 0, seconds: 0 });
    kind.requests += 1;
    kind.seconds = round(kind.seconds + seconds);
  }
  return { busySeconds: busy, requests, errors, byKind };
}

/**
 * A Socket.IO subscriber in a worker thread (./real-scale-subscriber.js): what it receives is
 * timed there, and parsing a 25,000-resource snapshot does not block the thread oar-live runs in.
 */
export class WorkerSubscriber {
  private readonly worker: Worker;
  /** `type:id` → when the subscriber received that job event first (epoch ms). */
  private readonly received = new Map<string, number>();
  private waiters: (() => void)[] = [];
  snapshots = 0;

  constructor(url: string) {
    this.worker = new Worker(join(__dirname, 'real-scale-subscriber.js'), { workerData: { url } });
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'snapshot') this.snapshots += 1;
      else
        for (const e of message.events)
          if (!this.received.has(`${e.type}:${e.id}`)) this.received.set(`${e.type}:${e.id}`, message.at);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** When the subscriber received `type` for job `id` (epoch ms); fails after `timeoutMs`. */
  receivedAt(type: string, id: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type} of job ${id}`)), timeoutMs);
      const check = () => {
        const at = this.received.get(`${type}:${id}`);
        if (at === undefined) return void this.waiters.push(check);
        clearTimeout(timer);
        resolve(at);
      };
      check();
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage('close');
    await this.worker.terminate();
  }
}

type WorkerMessage =
  | { kind: 'snapshot'; at: number; jobs: number }
  | { kind: 'events'; at: number; events: { type: string; id: number }[] };

/**
 * Runs `work` in a scaled session (`oar-sandbox scaled-session`: the sandbox lock, the scaled
 * sandbox, a reset before the lock is released) with a private Redis; `sessionSeconds` bounds it.
 */
export async function inScaledSession<T>(sessionSeconds: number, work: () => Promise<T>): Promise<T | object> {
  if (!(await sandboxAnswers())) return { skipped: 'the OAR sandbox does not answer (scripts/oar-sandbox up)' };
  const redis = await startRedis();
  process.env.REDIS_URL = redis.url;
  const session = spawn(
    'bash',
    [SCRIPT, 'scaled-session', '--nodes', String(EXTRA_NODES), '--cores', String(CORES), '--jobs', String(JOBS)],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, SCALED_SESSION_SECONDS: String(sessionSeconds) } },
  );
  const ended = new Promise<number | null>((resolve) => session.once('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      session.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('scaled') && resolve());
      void ended.then((code) => reject(new Error(`oar-sandbox scaled-session ended early (${code})`)));
    });
    await run('true', []); // forks the commands' process before anything is measured
    return await work();
  } finally {
    stopCommands();
    session.stdin.end(); // the session resets the sandbox, then releases the lock
    await ended;
    await redis.stop();
    removeRedisDir(redis.dir);
  }
}

/**
 * The event-loop monitor's timer period (ms), as in the live benches. It records the time between two
 * of its timer's turns, so a block reads as up to this much longer than it was (an idle loop reads
 * the period itself): at 10 ms, the real-scale benches overstated every block by up to 10 ms.
 */
const BLOCK_RESOLUTION_MS = 1;

/** Starts the host's floor (./real-scale-idle-loop.ts) before a measured stretch; `stop` gives its longest block (ms). */
async function idleLoopFloor(): Promise<{ stop(): Promise<{ maxMs: number; gapsOver50Ms: number }> }> {
  const idle = fork(join(__dirname, 'real-scale-idle-loop.ts'), { stdio: 'inherit' });
  await new Promise((resolve) => idle.once('message', resolve));
  return {
    stop: () =>
      new Promise((resolve) => {
        idle.once('message', resolve);
        idle.send('stop');
      }),
  };
}

export interface Blocks {
  longestEventLoopBlockMs: number;
  eventLoopDelayP99Ms: number;
  /** The longest garbage collection (the loop is blocked while it runs), and its kind. */
  longestGcPauseMs: number;
  longestGcKind: string;
  /** Of the longest gap between a 5 ms timer's turns (./block-sampler.js), the CPU time the process used in it. */
  longestGapMs: number;
  longestGapCpuMs: number;
  /** How many of those gaps exceeded 50 ms. */
  gapsOver50Ms: number;
  /** The longest block of an idle Node process over the same stretch: what the host's load alone gives. */
  idleProcessLongestBlockMs: number;
  idleProcessGapsOver50Ms: number;
}

/** perf_hooks' gc entry kinds (NODE_PERFORMANCE_GC_*): a scavenge is `minor`, a mark-compact `major`. */
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** Watches this process's event loop and garbage collections, and an idle process beside it, until `stop`. */
export async function watchBlocks(): Promise<{ stop(): Promise<Blocks> }> {
  const floor = await idleLoopFloor();
  const loop = monitorEventLoopDelay({ resolution: BLOCK_RESOLUTION_MS });
  let longestGcMs = 0;
  let longestGcKind = '';
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration <= longestGcMs) continue;
      longestGcMs = entry.duration;
      longestGcKind =
        GC_KINDS[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  loop.enable();
  const sampler = sampleBlocks();
  return {
    async stop() {
      loop.disable();
      gc.disconnect();
      const gaps = sampler.stop();
      const idle = await floor.stop();
      return {
        longestEventLoopBlockMs: round(loop.max / 1e6, 1),
        eventLoopDelayP99Ms: round(loop.percentile(99) / 1e6, 1),
        longestGcPauseMs: round(longestGcMs, 1),
        longestGcKind,
        longestGapMs: round(gaps.longestGapMs, 1),
        longestGapCpuMs: round(gaps.longestGapCpuMs, 1),
        gapsOver50Ms: gaps.gapsOver50Ms,
        idleProcessLongestBlockMs: round(idle.maxMs, 1),
        idleProcessGapsOver50Ms: idle.gapsOver50Ms,
      };
    },
  };
}

/**
 * What a measured stretch cost: OAR's busy share from Apache's log (`apache`, also per request kind)
 * and from oar-live's own measure (`oarLiveBusyMs`), oar-live's event-loop blocks beside an idle
 * process's (watchBlocks), and the `slowed` sentence.
 */
export function costFigures(
  apache: ReturnType<typeof apacheBusy>,
  seconds: number,
  oarLiveBusyMs: number,
  blocks: Blocks,
  source: SourceStatus,
): Record<string, unknown> {
  return {
    oarBusyShareApache: round(apache.busySeconds / seconds),
    oarRequestsApache: apache.requests,
    oarErrorsApache: apache.errors,
    oarBusySecondsByRequest: apache.byKind,
    oarBusyShareOarLive: round(oarLiveBusyMs / 1000 / seconds),
    ...blocks,
    // The process holds 25,000 resources several times over (reader, snapshot, event log): what GC walks.
    heapUsedMiB: round(process.memoryUsage().heapUsed / 2 ** 20, 1),
    slowed: source.slowed ?? null,
  };
}
