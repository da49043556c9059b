import type { UtilisationColumns, UtilisationSeriesName } from '@oar-live/shared';

/** A series of the charts: how it is drawn, so it reads without colour (a dash pattern) and aloud. */
export interface ChartSeries {
  name: UtilisationSeriesName;
  label: string;
  colorVar: string;
  /** Canvas line dash; empty = solid. */
  dash: number[];
}

export const CORE_SERIES: ChartSeries[] = [
  { name: 'coresBusy', label: 'cores busy', colorVar: '--accent', dash: [] },
  { name: 'coresUnavailable', label: 'cores unavailable', colorVar: '--state-dead', dash: [10, 6] },
];
export const JOB_SERIES: ChartSeries[] = [
  { name: 'jobsRunning', label: 'jobs running', colorVar: '--state-alive', dash: [] },
  { name: 'jobsWaiting', label: 'jobs waiting', colorVar: '--state-suspected', dash: [10, 6] },
];

/**
 * The text alternative of a chart: each series' latest value and its peak over the window, in words
 * (a canvas says nothing to a screen reader).
 */
export function describeSeries(columns: UtilisationColumns, series: ChartSeries[], hours: number): string {
  if (columns.at.length === 0) return `No samples in the last ${hours} hours yet: oar-live records one a minute.`;
  const time = (s: number) => new Date(s * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return series
    .map(({ name, label }) => {
      const values = columns[name];
      const peak = values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
      return `${label}: ${values[values.length - 1]} now, at most ${values[peak]} (at ${time(columns.at[peak])})`;
    })
    .join('; ')
    .concat(` — over the last ${hours} hours.`);
}
