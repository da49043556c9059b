/**
 * A synthetic user population: alice and bob (and now and then the admin) submit jobs of mixed
 * shapes and lengths at a chosen rate, so a demo or benchmark cluster is alive. Everything comes
 * from one seeded generator: the same seed and cluster size give the same jobs at the same times.
 */
import { RequestError, formatWalltime } from './resource-request';
import type { SubmitSpec } from './oarsub';
import type { Scheduler } from './scheduler';
import type { Timeline } from './timeline';

export interface WorkloadOptions {
  seed: number;
  /** Mean submissions per simulated minute (a Poisson process). */
  jobsPerMinute: number;
  /** Jobs submitted at once when the simulator starts (e.g. 10,000 for a benchmark). */
  initialJobs?: number;
}

export interface ClusterShape {
  nodes: number;
  coresPerNode: number;
}

export interface PlannedJob {
  /** Simulated seconds after the previous submission. */
  after: number;
  spec: SubmitSpec;
}

/** mulberry32: small, fast, good enough for workloads, and identical on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function* workloadPlan(options: WorkloadOptions, shape: ClusterShape): Generator<PlannedJob> {
  const random = seededRandom(options.seed);
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const meanGap = 60 / options.jobsPerMinute;
  for (let n = 1; ; n++) {
    const roll = random();
    const cores = shape.coresPerNode;
    const resource =
      roll < 0.5
        ? '/nodes=1/core=1'
        : roll < 0.7
          ? `/nodes=1/core=${between(1, cores)}`
          : roll < 0.85
            ? `/nodes=${between(1, Math.min(4, shape.nodes))}`
            : roll < 0.95
              ? `core=${between(1, Math.min(16, shape.nodes * cores))}`
              : `/nodes=${between(1, Math.min(8, shape.nodes))}/core=1`;
    const length = random();
    const seconds = length < 0.4 ? between(10, 60) : length < 0.8 ? between(60, 600) : between(600, 3600);
    const overrun = random() < 0.1;
    const walltime = overrun ? Math.max(60, Math.floor(seconds / 2 / 60) * 60) : Math.ceil((seconds * 1.5) / 60) * 60;
    const failing = random() < 0.05;
    const command = failing ? `sleep ${seconds}; exit 1` : `sleep ${seconds}`;
    const queueRoll = random();
    const queue = queueRoll < 0.85 ? 'default' : queueRoll < 0.97 ? 'besteffort' : 'admin';
    const owner = queue === 'admin' ? 'oar' : random() < 0.5 ? 'alice' : 'bob';
    const name = `wl-${n}`;
    const request = `${resource},walltime=${formatWalltime(walltime)}`;
    yield {
      after: -Math.log(1 - random()) * meanGap,
      spec: {
        owner,
        command,
        resource: request,
        name,
        queue,
        initialRequest: `oarsub --name=${name} --queue=${queue} --resource=${request} ${command}`,
      },
    };
  }
}

export class Workload {
  private readonly plan: Generator<PlannedJob>;
  private stopped = false;

  /**
   * `unfinished` counts the jobs not yet finished: like real users, the generated ones stop
   * submitting while the queue is longer than twice the cluster's cores (plus 50), so an
   * overloaded demo cluster does not grow its backlog without end.
   */
  constructor(
    private readonly scheduler: Scheduler,
    private readonly timeline: Timeline,
    private readonly options: WorkloadOptions,
    private readonly shape: ClusterShape,
    private readonly unfinished: () => number,
  ) {
    this.plan = workloadPlan(options, shape);
  }

  start(): void {
    for (let i = 0; i < (this.options.initialJobs ?? 0); i++) this.submit(this.plan.next().value!.spec);
    if (this.options.jobsPerMinute > 0) this.scheduleNext();
  }

  stop(): void {
    this.stopped = true;
  }

  private scheduleNext(): void {
    const next = this.plan.next().value!;
    this.timeline.after(next.after, () => {
      if (this.stopped) return;
      if (this.unfinished() < 2 * this.shape.nodes * this.shape.coresPerNode + 50) this.submit(next.spec);
      this.scheduleNext();
    });
  }

  private submit(spec: SubmitSpec): void {
    try {
      this.scheduler.submit(spec);
    } catch (err) {
      // A shape the cluster cannot hold right now (nodes Dead or deleted) is skipped, like a refused oarsub.
      if (!(err instanceof RequestError)) throw err;
    }
  }
}
