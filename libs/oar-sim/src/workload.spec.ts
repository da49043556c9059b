import { workloadPlan } from './workload';

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
