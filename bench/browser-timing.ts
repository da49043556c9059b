/** Timing summaries shared by the browser benches (web, gantt). */
export const round = (x: number) => Math.round(x * 100) / 100;

/** Median, 95th percentile and maximum of a list of milliseconds. */
export function stats(xs: number[]): { medianMs: number; p95Ms: number; maxMs: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { medianMs: round(at(0.5)), p95Ms: round(at(0.95)), maxMs: round(sorted[sorted.length - 1]) };
}
