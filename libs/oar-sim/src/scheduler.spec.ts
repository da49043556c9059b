import { SimClock } from './clock';
import { Cluster } from './cluster';
import type { JobRow } from './records';
import type { SubmitSpec } from './oarsub';
import { Scheduler } from './scheduler';
import { Timeline } from './timeline';

const FACTOR = 50;

function setup(nodes = 2, cores = 2) {
  const clock = new SimClock(FACTOR);
  const timeline = new Timeline(clock);
  const cluster = new Cluster(clock);
  cluster.addNodes(nodes, cores);
  const scheduler = new Scheduler(cluster, timeline);
  return { clock, timeline, cluster, scheduler };
}

function spec(fields: Partial<SubmitSpec>): SubmitSpec {
  return { owner: 'alice', command: 'sleep 1', initialRequest: 'oarsub sleep 1', ...fields };
}

/** Every state change of every job, recorded where the scheduler makes it (no sampling). */
const transitions: Array<[number, string]> = [];
beforeEach(() => {
  transitions.length = 0;
  const setState = (Scheduler.prototype as unknown as { setState: (job: JobRow, state: string) => void }).setState;
  jest.spyOn(Scheduler.prototype as never, 'setState' as never).mockImplementation(function (
    this: Scheduler,
    job: JobRow,
    state: string,
  ) {
    transitions.push([job.id, state]);
    setState.call(this, job, state);
  } as never);
});
afterEach(() => jest.restoreAllMocks());

/** The states a job submitted Waiting went through, once it is final. */
async function statesOf(job: JobRow): Promise<string[]> {
  await until(() => job.state === 'Terminated' || job.state === 'Error');
  return ['Waiting', ...transitions.filter(([id]) => id === job.id).map(([, s]) => s)];
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe('Scheduler', () => {
  let env: ReturnType<typeof setup>;
  afterEach(() => env.timeline.stop());

  it("walks a job through OAR's states with its run time, exit status and events", async () => {
    env = setup();
    const job = env.scheduler.submit(
      spec({ command: 'sleep 5; exit 3', resource: '/nodes=1/core=1,walltime=0:5:0' }),
    ).job;
    expect(await statesOf(job)).toEqual(['Waiting', 'toLaunch', 'Launching', 'Running', 'Finishing', 'Terminated']);
    expect(job.exitCode).toBe(3 * 256);
    expect(job.stopTime - job.startTime).toBeGreaterThanOrEqual(5);
    expect(job.walltime).toBe(300);
    expect(job.message).toBe('R=1,W=0:5:0,J=B (Karma=0.000,quota_ok)');
    expect(job.events.map((e) => e.type)).toEqual(['SWITCH_INTO_TERMINATE_STATE']);
    expect(env.cluster.unfinished.has(job.id)).toBe(false);
    expect(env.cluster.holder.size).toBe(0);
    expect(job.scheduledStart).toBe(job.startTime);
    await until(() => job.scheduledStart === null);
    expect(job.walltime).toBe(300);
  });

  it('kills a job at its walltime (Error, WALLTIME event)', async () => {
    env = setup();
    const job = env.scheduler.submit(spec({ command: 'sleep 600', resource: 'core=1,walltime=0:0:3' })).job;
    expect((await statesOf(job)).pop()).toBe('Error');
    expect(job.events.map((e) => e.type)).toEqual(['WALLTIME', 'SEND_KILL_JOB', 'SWITCH_INTO_ERROR_STATE']);
    expect(job.exitCode).toBeNull();
  });

  it('kills a Waiting job "by Leon directly" and a Running one through oarexec', async () => {
    env = setup(1, 2);
    const running = env.scheduler.submit(spec({ command: 'sleep 600', resource: '/nodes=1' })).job;
    const waiting = env.scheduler.submit(spec({ owner: 'bob', command: 'sleep 1', resource: '/nodes=1' })).job;
    await until(() => running.state === 'Running');
    expect(waiting.state).toBe('Waiting');
    expect(waiting.message).toMatch(/Karma/);
    expect(waiting.planned).toEqual([1, 2]);
    expect(() => env.scheduler.frag('alice', waiting.id)).toThrow(/not the right user/);
    env.scheduler.frag('bob', waiting.id);
    env.scheduler.frag('alice', running.id);
    expect(() => env.scheduler.frag('alice', running.id)).toThrow(/already killed/);
    await until(() => waiting.state === 'Error' && running.state === 'Error');
    expect(waiting.message).toBe('Job killed by Leon directly');
    await until(() => waiting.walltime === null && waiting.scheduledStart === null);
    expect(running.scheduledStart).toBe(running.startTime);
    expect(waiting.events.map((e) => e.type)).toEqual(['FRAG_JOB_REQUEST']);
    expect(running.events.map((e) => e.type)).toEqual(['FRAG_JOB_REQUEST', 'SEND_KILL_JOB', 'SWITCH_INTO_ERROR_STATE']);
  });

  it('holds and resumes a job; a held job does not start', async () => {
    env = setup(1, 1);
    const first = env.scheduler.submit(spec({ command: 'sleep 2' })).job;
    const second = env.scheduler.submit(spec({ command: 'sleep 1' })).job;
    env.scheduler.hold('alice', second.id);
    expect(second.state).toBe('Waiting');
    await until(() => second.state === 'Hold');
    expect(second.events.map((e) => e.type)).toEqual(['HOLD_WAITING_JOB']);
    await statesOf(first);
    await new Promise((resolve) => setTimeout(resolve, (2 * 1000) / FACTOR));
    expect(second.state).toBe('Hold');
    expect(() => env.scheduler.resume('alice', first.id)).toThrow(/not in the Hold or Suspended state/);
    env.scheduler.resume('alice', second.id);
    expect((await statesOf(second)).pop()).toBe('Terminated');
    expect(second.events.map((e) => e.type)).toEqual(['HOLD_WAITING_JOB', 'RESUME_JOB', 'SWITCH_INTO_TERMINATE_STATE']);
  });

  it('places only on Alive resources', async () => {
    env = setup(2, 1);
    env.scheduler.setResourceState(env.cluster.resource(1)!, 'Absent');
    env.scheduler.setResourceState(env.cluster.resource(2)!, 'Suspected');
    const job = env.scheduler.submit(spec({ resource: '/nodes=1' })).job;
    await new Promise((resolve) => setTimeout(resolve, (3 * 1000) / FACTOR));
    expect(job.state).toBe('Waiting');
    env.scheduler.setResourceState(env.cluster.resource(2)!, 'Alive');
    await until(() => job.assigned.length > 0);
    expect(job.assigned).toEqual([2]);
  });

  it('runs admin jobs first and preempts besteffort jobs for default ones', async () => {
    env = setup(1, 1);
    const besteffort = env.scheduler.submit(spec({ queue: 'besteffort', command: 'sleep 600' })).job;
    await until(() => besteffort.state === 'Running');
    expect(besteffort.types).toEqual(['besteffort']);
    const normal = env.scheduler.submit(spec({ command: 'sleep 1' })).job;
    const admin = env.scheduler.submit(spec({ owner: 'oar', queue: 'admin', command: 'sleep 1' })).job;
    await until(() => besteffort.state === 'Error');
    expect(besteffort.events.map((e) => e.type)).toContain('BESTEFFORT_KILL');
    await until(() => admin.state !== 'Waiting');
    expect(normal.state).toBe('Waiting');
  });

  it("prints the admission rules' lines OAR 2.5.9 prints", () => {
    env = setup();
    expect(env.scheduler.submit(spec({ resource: 'core=1,walltime=1:0:0' })).output).toBe(
      '[ADMISSION RULE] Modify resource description with type constraints\nOAR_JOB_ID=1\n',
    );
    const besteffort = env.scheduler.submit(spec({ resource: '/nodes=1/core=1', queue: 'besteffort' }));
    expect(besteffort.output).toBe(
      '[ADMISSION RULE] Automatically add the besteffort type\n' +
        '[ADMISSION RULE] Automatically add the besteffort constraint on the resources\n' +
        '[ADMISSION RULE] Set default walltime to 7200.\n' +
        '[ADMISSION RULE] Modify resource description with type constraints\nOAR_JOB_ID=2\n',
    );
    expect(besteffort.job.properties).toBe("((besteffort = 'YES') AND desktop_computing = 'NO') AND drain='NO'");
    expect(besteffort.job.message).toBe('R=1,W=2:0:0,J=B,T=besteffort');
  });

  it('refuses what oarsub refuses', () => {
    env = setup(2, 2);
    expect(() => env.scheduler.submit(spec({ resource: '/nodes=3' }))).toThrow(/not enough resources/);
    expect(() => env.scheduler.submit(spec({ queue: 'admin' }))).toThrow(/admin queue/);
    expect(() => env.scheduler.submit(spec({ property: "gpu_model='A100'" }))).toThrow(/column "gpu_model"/);
    expect(() => env.scheduler.submit(spec({ property: "network_address='node2'", resource: '/nodes=2' }))).toThrow(
      /not enough resources/,
    );
  });
});
