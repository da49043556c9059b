/**
 * How far OAR's predicted starts were from the real ones, pure: each error is the real start minus the
 * first prediction oar-live saw for the job while it waited (negative: it started earlier than
 * predicted, e.g. because a job ahead ended before its walltime).
 */
export interface PredictionAccuracy {
  /** Jobs with a first prediction and a real start. */
  samples: number;
  /** Jobs with a prediction that have not started yet. */
  pending: number;
  /** Median error, seconds (null without samples). */
  medianSeconds: number | null;
  /** 90th percentile of the absolute error, seconds. */
  p90AbsSeconds: number | null;
  meanAbsSeconds: number | null;
  /** Share of jobs that started more than a minute before their prediction. */
  earlierShare: number | null;
  /** Count of errors per range of seconds; `from` absent = no lower bound, `to` absent = no upper bound. */
  histogram: Array<{ from?: number; to?: number; count: number }>;
}

/** Range edges (seconds): an hour, ten minutes, a minute and ten seconds either side of the prediction. */
export const PREDICTION_ERROR_EDGES = [-3600, -600, -60, -10, 10, 60, 600, 3600] as const;

export function predictionAccuracy(errorsSeconds: readonly number[], pending: number): PredictionAccuracy {
  const sorted = [...errorsSeconds].sort((a, b) => a - b);
  const absolute = sorted.map(Math.abs).sort((a, b) => a - b);
  const n = sorted.length;
  const histogram = [undefined, ...PREDICTION_ERROR_EDGES].map((from, i) => {
    const to = PREDICTION_ERROR_EDGES[i] as number | undefined;
    const count = sorted.filter((e) => (from === undefined || e >= from) && (to === undefined || e < to)).length;
    return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), count };
  });
  return {
    samples: n,
    pending,
    medianSeconds: n ? quantile(sorted, 0.5) : null,
    p90AbsSeconds: n ? quantile(absolute, 0.9) : null,
    meanAbsSeconds: n ? Math.round(absolute.reduce((a, b) => a + b, 0) / n) : null,
    earlierShare: n ? sorted.filter((e) => e < -60).length / n : null,
    histogram,
  };
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
