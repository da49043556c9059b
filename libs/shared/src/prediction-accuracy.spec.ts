import { predictionAccuracy } from './prediction-accuracy';

describe('predictionAccuracy', () => {
  it('summarises errors: median, 90th percentile of the absolute error, earlier share, histogram', () => {
    const errors = [-4000, -700, -120, -30, 0, 5, 20, 100, 900, 5000];
    const accuracy = predictionAccuracy(errors, 3);
    expect(accuracy).toMatchObject({
      samples: 10,
      pending: 3,
      medianSeconds: 0,
      p90AbsSeconds: 4000,
      earlierShare: 0.3,
    });
    expect(accuracy.meanAbsSeconds).toBe(Math.round(errors.reduce((a, e) => a + Math.abs(e), 0) / 10));
    expect(accuracy.histogram).toEqual([
      { to: -3600, count: 1 },
      { from: -3600, to: -600, count: 1 },
      { from: -600, to: -60, count: 1 },
      { from: -60, to: -10, count: 1 },
      { from: -10, to: 10, count: 2 },
      { from: 10, to: 60, count: 1 },
      { from: 60, to: 600, count: 1 },
      { from: 600, to: 3600, count: 1 },
      { from: 3600, count: 1 },
    ]);
  });

  it('has no figures without samples', () => {
    expect(predictionAccuracy([], 2)).toMatchObject({
      samples: 0,
      pending: 2,
      medianSeconds: null,
      p90AbsSeconds: null,
    });
  });
});
