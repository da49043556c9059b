/**
 * How a node state looks: a colour AND a shape, so state never depends on colour vision alone.
 * The one definition for everything that draws a node state: grid, tables, summary, legend.
 */
export interface StateStyle {
  /** Short glyph drawn on the tile and shown beside the name in tables. */
  icon: string;
  /** Name of the CSS custom property holding the colour (themes redefine it). */
  colorVar: string;
  label: string;
}

const STYLES: Record<string, StateStyle> = {
  Alive: { icon: '●', colorVar: '--state-alive', label: 'Alive' },
  Absent: { icon: '◌', colorVar: '--state-absent', label: 'Absent' },
  Suspected: { icon: '▲', colorVar: '--state-suspected', label: 'Suspected' },
  Dead: { icon: '✕', colorVar: '--state-dead', label: 'Dead' },
};
const MIXED: StateStyle = { icon: '◐', colorVar: '--state-mixed', label: 'Mixed' };

/** Mixed states ("Alive/Absent") get their own look; the full text is in the details. */
export function stateStyle(state: string): StateStyle {
  return STYLES[state] ?? MIXED;
}

export const NODE_STATE_STYLES = Object.values(STYLES).concat(MIXED);

/** A stable, well-spread colour per job id (golden-angle hues) so neighbouring ids differ. */
export function jobColor(jobId: number): string {
  const hue = Math.round((jobId * 137.508) % 360);
  return `hsl(${hue} 70% 45%)`;
}
