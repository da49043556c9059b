import fc from 'fast-check';
import { BusyMeter } from '../metrics/busy-meter';
import { BURST_CLIP, nextMean, nextTickMean, planLoad, type Activity } from './load-budget';

const load = (jobs: Activity, others: Activity[], plan: ReturnType<typeof planLoad>) =>
  jobs.costMs / plan.jobsPeriodMs + others.reduce((sum, a) => sum + a.costMs / (a.periodMs * plan.othersStretch), 0);

describe('planLoad', () => {
  it('keeps the wanted periods while OAR has time to spare', () => {
    const plan = planLoad({ periodMs: 2000, costMs: 100 }, [{ periodMs: 10_000, costMs: 500 }], 0.2);
    expect(plan).toEqual({ jobsPeriodMs: 2000, othersStretch: 1 });
  });

  it('slows the other reads first, so jobs keep their cadence', () => {
    // Jobs 5 %, resources 2.6 s every 10 s = 26 %: resources go to every 17.3 s.
    const plan = planLoad({ periodMs: 2000, costMs: 100 }, [{ periodMs: 10_000, costMs: 2600 }], 0.2);
    expect(plan.jobsPeriodMs).toBe(2000);
    expect(plan.othersStretch).toBeCloseTo(0.26 / 0.15);
  });

  it('slows the jobs tick to three quarters of the budget, the others to the last quarter', () => {
    // Today's full read at Grid'5000 size: 15 s a poll every 2 s.
    expect(planLoad({ periodMs: 2000, costMs: 15_000 }, [], 0.2).jobsPeriodMs).toBeCloseTo(100_000);
    const plan = planLoad({ periodMs: 2000, costMs: 400 }, [{ periodMs: 10_000, costMs: 7000 }], 0.2);
    expect(plan.jobsPeriodMs).toBeCloseTo(400 / 0.15);
    expect(plan.othersStretch).toBeCloseTo(0.7 / 0.05);
  });

  it('never plans more than maxLoad, never slows below the wanted periods', () => {
    const activity = fc.record({
      periodMs: fc.integer({ min: 100, max: 600_000 }),
      costMs: fc.integer({ min: 0, max: 60_000 }),
    });
    fc.assert(
      fc.property(
        activity,
        fc.array(activity, { maxLength: 3 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (jobs, others, max) => {
          const plan = planLoad(jobs, others, max);
          expect(plan.jobsPeriodMs).toBeGreaterThanOrEqual(jobs.periodMs);
          expect(plan.othersStretch).toBeGreaterThanOrEqual(1);
          expect(load(jobs, others, plan)).toBeLessThanOrEqual(max + 1e-9);
        },
      ),
    );
  });
});

describe('nextMean', () => {
  it('starts at the first sample and follows later ones', () => {
    expect(nextMean(0, 200)).toBe(200);
    expect(nextMean(200, 100)).toBe(170);
  });
});

describe('nextTickMean', () => {
  it('lets a burst move the mean by a bounded step, and follows a lasting rise within a few ticks', () => {
    // One tick read 1,000 changed jobs (20 s) after ticks of 0.4 s: the mean goes to 0.64 s, not 6 s.
    expect(nextTickMean(400, 20_000)).toBeCloseTo(400 + 0.3 * (BURST_CLIP * 400 - 400));
    let mean = 400;
    for (let tick = 0; tick < 12; tick++) mean = nextTickMean(mean, 4000);
    expect(mean).toBeGreaterThan(3900);
    expect(nextTickMean(0, 20_000)).toBe(20_000);
  });
});

describe('BusyMeter', () => {
  it('is the share of the window covered by requests, overlaps counted once', () => {
    const meter = new BusyMeter(10_000);
    meter.record(0, 1000);
    meter.record(500, 1500);
    meter.record(5000, 6000);
    expect(meter.share(10_000)).toBeCloseTo(0.25);
    expect(meter.totalMs).toBe(3000);
  });

  it('forgets what left the window', () => {
    const meter = new BusyMeter(10_000);
    meter.record(0, 4000);
    expect(meter.share(12_000)).toBeCloseTo(0.2);
    expect(meter.share(20_000)).toBe(0);
  });
});
