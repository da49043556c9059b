/**
 * oar-sim's predictions follow what OAR 2.5.9 recorded in
 * test/fixtures/oar/jobs-details-queue-dependency-reservation-hold.json (a 600 s job filling the
 * cluster, a job behind it, a job depending on it) and in jobs-details-after-blocker-deleted.json.
 */
import { SimClock } from './clock';
import { Cluster } from './cluster';
import type { SubmitSpec } from './oarsub';
import { sqlDate } from './oarsub';
import type { JobRow } from './records';
import { Scheduler } from './scheduler';
import { Timeline } from './timeline';

function setup() {
  const clock = new SimClock(50);
  const timeline = new Timeline(clock);
  const cluster = new Cluster(clock);
  cluster.addNodes(4, 2);
  const scheduler = new Scheduler(cluster, timeline);
  const submit = (resource: string, command: string, extra: Partial<SubmitSpec> = {}) =>
    scheduler.submit({ owner: 'alice', command, resource, initialRequest: `oarsub ${command}`, ...extra }).job;
  return { clock, cluster, scheduler, timeline, submit };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const planned = (job: JobRow) => job.state === 'Waiting' && job.scheduledStart !== null;

describe('oar-sim Gantt predictions', () => {
  let env: ReturnType<typeof setup>;
  afterEach(() => env.timeline.stop());

  it('plans a job behind a full cluster and a dependent job at the times OAR gives them', async () => {
    env = setup();
    const blocker = env.submit('/nodes=4/core=2,walltime=00:10:00', 'sleep 600');
    await until(() => blocker.state === 'Running');
    const behind = env.submit('/nodes=1/core=1,walltime=00:05:00', 'sleep 60');
    const after = env.submit('/nodes=1/core=1,walltime=00:05:00', 'sleep 60', { dependencies: [blocker.id] });
    await until(() => planned(behind) && planned(after));
    // OAR: 1796443124 − 1796442463 = 661 and 1796443183 − 1796442463 = 720.
    expect(behind.scheduledStart! - blocker.startTime).toBe(661);
    expect(after.scheduledStart! - blocker.startTime).toBe(720);
    expect([behind.planned, after.planned]).toEqual([[1], [2]]);
  });

  it('queues jobs one behind the other when each needs the whole cluster', async () => {
    env = setup();
    const blocker = env.submit('/nodes=4/core=2,walltime=00:10:00', 'sleep 600');
    await until(() => blocker.state === 'Running');
    const second = env.submit('/nodes=4/core=2,walltime=00:05:00', 'sleep 60');
    const third = env.submit('/nodes=4/core=2,walltime=00:05:00', 'sleep 60');
    await until(() => planned(second) && planned(third));
    expect(second.scheduledStart! - blocker.startTime).toBe(661);
    expect(third.scheduledStart! - second.scheduledStart!).toBe(361);
  });

  it('moves a prediction when the job ahead ends early, and starts the waiting jobs when the blocker is deleted', async () => {
    env = setup();
    const blocker = env.submit('/nodes=4/core=2,walltime=00:10:00', 'sleep 600');
    await until(() => blocker.state === 'Running');
    const second = env.submit('/nodes=4/core=2,walltime=00:05:00', 'sleep 60');
    const third = env.submit('/nodes=4/core=2,walltime=00:05:00', 'sleep 60');
    await until(() => planned(third));
    const predicted = third.scheduledStart!;
    env.scheduler.frag('alice', blocker.id);
    await until(() => second.state === 'Running');
    // The second job started 10 minutes early: the third is planned after its real start + walltime.
    await until(() => third.scheduledStart !== null && third.scheduledStart < predicted);
    expect(third.scheduledStart! - second.startTime).toBe(361);
  });

  it("says so in the job's message when no Alive resources can take it, as OAR's scheduler does", async () => {
    env = setup();
    const job = env.submit('/nodes=1/core=1,walltime=00:05:00', 'sleep 60');
    const blocker = env.submit('/nodes=4/core=2,walltime=00:10:00', 'sleep 600');
    await until(() => job.state === 'Running' && planned(blocker));
    for (const row of env.cluster.resources.filter((r) => r.network_address === 'node4'))
      env.scheduler.setResourceState(row, 'Dead');
    await until(() => blocker.scheduledStart === null);
    expect(blocker.message).toBe(`Cannot find enough resources for job ${blocker.id}`);
    expect(blocker.planned).toEqual([]);
  });

  it('takes a held job out of the Gantt and plans no dependent of an unplanned job', async () => {
    env = setup();
    const blocker = env.submit('/nodes=4/core=2,walltime=00:10:00', 'sleep 600');
    await until(() => blocker.state === 'Running');
    const held = env.submit('/nodes=1/core=1,walltime=00:05:00', 'sleep 60', { hold: true });
    const dependent = env.submit('/nodes=1/core=1', 'sleep 1', { dependencies: [held.id] });
    const waiting = env.submit('/nodes=1/core=1,walltime=00:05:00', 'sleep 60');
    await until(() => planned(waiting));
    expect([held.scheduledStart, held.planned]).toEqual([null, []]);
    expect([dependent.state, dependent.scheduledStart]).toEqual(['Waiting', null]);
    expect(dependent.message).toBe(`Cannot determine scheduling time due to dependency with the job ${held.id}`);
  });

  it('backfills: a later short job starts at once, a later long one waits behind the big job it would delay', async () => {
    env = setup();
    const half = env.submit('/nodes=2/core=2,walltime=00:10:00', 'sleep 600');
    await until(() => half.state === 'Running');
    const big = env.submit('/nodes=4/core=2,walltime=00:05:00', 'sleep 60');
    await until(() => planned(big));
    const short = env.submit('/nodes=1/core=1,walltime=00:02:00', 'sleep 600');
    const long = env.submit('/nodes=1/core=1,walltime=00:20:00', 'sleep 60');
    await until(() => short.state === 'Running' && planned(long));
    expect(big.scheduledStart! - half.startTime).toBe(661);
    expect(long.scheduledStart! - big.scheduledStart!).toBe(361);
  });

  it('plans a later job in the gap an earlier-ending job leaves before a planned one', async () => {
    env = setup();
    const half = env.submit('/nodes=2/core=2,walltime=00:10:00', 'sleep 600');
    const rest = env.submit('/nodes=2/core=2,walltime=00:03:00', 'sleep 600');
    await until(() => half.state === 'Running' && rest.state === 'Running');
    const big = env.submit('/nodes=4/core=2,walltime=00:05:00', 'sleep 60');
    const gap = env.submit('/nodes=2/core=2,walltime=00:02:00', 'sleep 60');
    const tooLong = env.submit('/nodes=2/core=2,walltime=00:08:00', 'sleep 60');
    await until(() => planned(big) && planned(gap) && planned(tooLong));
    expect(gap.scheduledStart! - rest.startTime).toBe(241);
    expect(gap.planned).toEqual(rest.assigned);
    expect(gap.scheduledStart!).toBeLessThan(big.scheduledStart!);
    expect(tooLong.scheduledStart! - big.scheduledStart!).toBe(361);
  });

  it('accepts a reservation on free cores: Waiting, its cores reserved, then Running at its date', async () => {
    env = setup();
    const at = env.clock.epoch() + 30;
    const submitted = env.scheduler.submit({
      owner: 'alice',
      command: 'sleep 5',
      resource: '/nodes=1/core=1,walltime=00:05:00',
      name: 'resa',
      reservation: sqlDate(at),
      initialRequest: 'oarsub -r',
    });
    const job = submitted.job;
    expect(submitted.output).toMatch(
      /OAR_JOB_ID=\d+\nReservation mode: waiting validation...\nReservation valid --> OK\n$/,
    );
    expect([job.state, job.reservation, job.startTime, job.scheduledStart, job.walltime, job.planned]).toEqual([
      'Waiting',
      'Scheduled',
      at,
      at,
      300,
      [1],
    ]);
    expect(job.message).toBe('R=1,W=0:5:0,J=R,N=resa');
    // A batch job needing the whole cluster for longer than the time left would delay it: it waits.
    const batch = env.submit('/nodes=4/core=2,walltime=00:05:00', 'sleep 60');
    await until(() => planned(batch));
    expect(batch.scheduledStart! - at).toBe(361);
    await until(() => job.state === 'Running');
    expect([job.startTime, job.assigned, job.events]).toEqual([at, [1], []]);
    expect(job.message).toBe('R=1,W=0:5:0,J=R,N=resa');
  });

  it("refuses a reservation the cluster cannot hold with OAR's messages, and a date oarsub cannot read", async () => {
    env = setup();
    const fill = env.submit('/nodes=4/core=2,walltime=00:10:00', 'sleep 600');
    await until(() => fill.state === 'Running');
    const reserve =
      (at: string, resource = '/nodes=1/core=1,walltime=00:05:00') =>
      () =>
        env.scheduler.submit({
          owner: 'alice',
          command: 'sleep 5',
          resource,
          reservation: at,
          initialRequest: 'oarsub -r',
        });
    expect(reserve(sqlDate(env.clock.epoch() + 60))).toThrow(
      `Reservation not valid --> KO (This reservation could run at ${sqlDate(fill.startTime + 661)})`,
    );
    const refused = env.cluster.job(fill.id + 1)!;
    expect([refused.state, refused.reservation, refused.scheduledStart, refused.walltime]).toEqual([
      'Error',
      'Scheduled',
      null,
      null,
    ]);
    expect(reserve('2020-01-01 00:00:00')).toThrow('Reservation not valid --> KO (Reservation too old)');
    expect(reserve('tomorrow')).toThrow(/Syntax error near the -r or --reservation option/);
    // Two reservations of the same cores at the same date: the second could run once the first ends.
    const at = env.clock.epoch() + 3600;
    expect(reserve(sqlDate(at), '/nodes=4/core=2,walltime=00:05:00')).not.toThrow();
    expect(reserve(sqlDate(at), '/nodes=1/core=2,walltime=00:05:00')).toThrow(
      `Reservation not valid --> KO (This reservation could run at ${sqlDate(at + 361)})`,
    );
  });
});
