import { SimClock } from './clock';
import { Cluster } from './cluster';
import { Scheduler } from './scheduler';
import { Timeline } from './timeline';
import { Workload, workloadPlan } from './workload';

function firstJobs(seed: number, count: number) {
  const plan = workloadPlan({ seed, jobsPerMinute: 30 }, { nodes: 8, coresPerNode: 4 });
  return Array.from({ length: count }, () => plan.next().value!);
}

describe('workloadPlan', () => {
  it('gives the same jobs at the same times for the same seed', () => {
    expect(firstJobs(7, 200)).toEqual(firstJobs(7, 200));
  });

  it('gives another workload for another seed', () => {
    expect(firstJobs(7, 50)).not.toEqual(firstJobs(8, 50));
  });

  it('mixes shapes, queues and owners and keeps the requested rate', () => {
    const jobs = firstJobs(3, 2000);
    const shapes = new Set(jobs.map((j) => j.spec.resource!.split(',')[0].replace(/\d+/g, 'N')));
    expect(shapes).toEqual(new Set(['/nodes=N/core=N', '/nodes=N', 'core=N']));
    expect(new Set(jobs.map((j) => j.spec.queue))).toEqual(new Set(['default', 'besteffort', 'admin']));
    expect(new Set(jobs.map((j) => j.spec.owner))).toEqual(new Set(['alice', 'bob', 'oar']));
    const meanGap = jobs.reduce((s, j) => s + j.after, 0) / jobs.length;
    expect(meanGap).toBeGreaterThan(1.8);
    expect(meanGap).toBeLessThan(2.2);
  });
});

describe('Workload', () => {
  it('submits the initial jobs at once, then holds back while the queue is over twice the cores + 50', async () => {
    const clock = new SimClock(600);
    const timeline = new Timeline(clock);
    const cluster = new Cluster(clock);
    cluster.addNodes(2, 2);
    const shape = { nodes: 2, coresPerNode: 2 };
    const options = { seed: 1, jobsPerMinute: 600, initialJobs: 10 };
    const workload = new Workload(
      new Scheduler(cluster, timeline),
      timeline,
      options,
      shape,
      () => cluster.unfinished.size,
    );
    workload.start();
    expect(cluster.jobs.size).toBe(10);
    const cap = 2 * 4 + 50;
    const deadline = Date.now() + 10000;
    while (cluster.unfinished.size < cap) {
      if (Date.now() > deadline) throw new Error(`queue stayed at ${cluster.unfinished.size}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // 100 ms here are 60 simulated seconds: 600 more planned submissions, only a few let through
    // (one per job that finishes meanwhile; there are 4 cores).
    const submitted = cluster.jobs.size;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(cluster.unfinished.size).toBeLessThanOrEqual(cap);
    expect(cluster.jobs.size - submitted).toBeLessThan(100);
    workload.stop();
    timeline.stop();
  });
});
