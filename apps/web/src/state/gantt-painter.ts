/**
 * Draws a GanttModel on a 2D canvas: resources down, time across. One fillRect per run of consecutive
 * rows of a bar, so 25,000 resources and 1,000 jobs stay a few thousand rectangles; rows thinner than
 * a pixel share it. Running and finished jobs are filled in their job's colour (finished paler), planned
 * ones hatched, reservations outlined, with a "now" line.
 */
import type { GanttBar, GanttModel } from './gantt-model';
import { jobColor } from './node-style';

/** A bar's colour string, built once per job: a few thousand bars are drawn every second. */
const colorCache = new Map<number, string>();
function colorOf(jobId: number): string {
  let color = colorCache.get(jobId);
  if (color === undefined) {
    if (colorCache.size > 10_000) colorCache.clear();
    colorCache.set(jobId, (color = jobColor(jobId)));
  }
  return color;
}

export interface GanttView {
  /** Epoch ms at the left edge of the plot. */
  start: number;
  /** Ms across the plot. */
  span: number;
  /** First row shown (may be fractional). */
  firstRow: number;
  /** Pixels per row (may be below 1). */
  rowHeight: number;
  /** CSS pixels. */
  width: number;
  height: number;
}

export interface GanttColors {
  bg: string;
  fg: string;
  muted: string;
  border: string;
  now: string;
  focus: string;
}

const LABEL_WIDTH = 96;
export const AXIS_HEIGHT = 22;

export function plotWidth(view: GanttView): number {
  return Math.max(1, view.width - LABEL_WIDTH);
}

export function timeAt(view: GanttView, x: number): number {
  return view.start + ((x - LABEL_WIDTH) / plotWidth(view)) * view.span;
}

export function rowAt(view: GanttView, y: number): number {
  return Math.floor(view.firstRow + (y - AXIS_HEIGHT) / view.rowHeight);
}

export const xOf = (view: GanttView, t: number) => LABEL_WIDTH + ((t - view.start) / view.span) * plotWidth(view);
export const yOf = (view: GanttView, row: number) => AXIS_HEIGHT + (row - view.firstRow) * view.rowHeight;

export function drawGantt(
  ctx: CanvasRenderingContext2D,
  model: GanttModel,
  view: GanttView,
  colors: GanttColors,
  now: number,
  focusedJob?: number,
): void {
  ctx.fillStyle = colors.bg;
  ctx.fillRect(0, 0, view.width, view.height);
  ctx.save();
  ctx.beginPath();
  ctx.rect(LABEL_WIDTH, AXIS_HEIGHT, plotWidth(view), view.height - AXIS_HEIGHT);
  ctx.clip();
  const end = view.start + view.span;
  let focused: GanttBar | undefined;
  for (const bar of model.bars.values()) {
    if (bar.end < view.start || bar.start > end) continue;
    drawBar(ctx, view, bar);
    if (bar.jobId === focusedJob) focused = bar;
  }
  if (focused) outline(ctx, view, focused, colors.focus, 3);
  const x = xOf(view, now);
  ctx.fillStyle = colors.now;
  ctx.fillRect(x - 1, AXIS_HEIGHT, 2, view.height - AXIS_HEIGHT);
  ctx.restore();
  drawGroups(ctx, model, view, colors);
  drawAxis(ctx, view, colors, x);
}

function drawBar(ctx: CanvasRenderingContext2D, view: GanttView, bar: GanttBar): void {
  const x0 = Math.max(LABEL_WIDTH, xOf(view, bar.start));
  const x1 = Math.min(view.width, xOf(view, bar.end));
  const width = Math.max(1, x1 - x0);
  const color = colorOf(bar.jobId);
  ctx.globalAlpha = bar.kind === 'finished' ? 0.45 : bar.kind === 'running' ? 1 : 0.3;
  ctx.fillStyle = color;
  for (const [first, last] of bar.runs) {
    const y = yOf(view, first);
    const height = Math.max(1, (last - first + 1) * view.rowHeight);
    if (y > view.height || y + height < AXIS_HEIGHT) continue;
    ctx.fillRect(x0, y, width, height);
  }
  ctx.globalAlpha = 1;
  if (bar.kind === 'planned' || bar.kind === 'reservation') {
    ctx.setLineDash(bar.kind === 'planned' ? [4, 3] : []);
    outline(ctx, view, bar, color, bar.kind === 'reservation' ? 2 : 1);
    ctx.setLineDash([]);
  }
}

function outline(
  ctx: CanvasRenderingContext2D,
  view: GanttView,
  bar: GanttBar,
  color: string,
  lineWidth: number,
): void {
  const x0 = Math.max(LABEL_WIDTH, xOf(view, bar.start));
  const x1 = Math.min(view.width, xOf(view, bar.end));
  ctx.strokeStyle = color;
  ctx.lineWidth = lineWidth;
  for (const [first, last] of bar.runs) {
    const y = yOf(view, first);
    const height = Math.max(2, (last - first + 1) * view.rowHeight);
    if (y > view.height || y + height < AXIS_HEIGHT) continue;
    ctx.strokeRect(x0 + 0.5, y + 0.5, Math.max(1, x1 - x0 - 1), height - 1);
  }
}

function drawGroups(ctx: CanvasRenderingContext2D, model: GanttModel, view: GanttView, colors: GanttColors): void {
  ctx.fillStyle = colors.bg;
  ctx.fillRect(0, AXIS_HEIGHT, LABEL_WIDTH, view.height - AXIS_HEIGHT);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  let lastLabelY = -Infinity;
  for (const group of model.groups) {
    const y = yOf(view, group.firstRow);
    const height = group.rowCount * view.rowHeight;
    if (y + height < AXIS_HEIGHT || y > view.height) continue;
    if (height >= 3) {
      ctx.fillStyle = colors.border;
      ctx.fillRect(0, y, view.width, 1);
    }
    const middle = Math.max(AXIS_HEIGHT + 7, y + height / 2);
    if (height >= 12 && middle - lastLabelY >= 14) {
      ctx.fillStyle = colors.fg;
      ctx.fillText(group.label, 4, middle, LABEL_WIDTH - 8);
      lastLabelY = middle;
    }
  }
}

const STEPS_MS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400].map((s) => s * 1000);

function drawAxis(ctx: CanvasRenderingContext2D, view: GanttView, colors: GanttColors, nowX: number): void {
  ctx.fillStyle = colors.bg;
  ctx.fillRect(0, 0, view.width, AXIS_HEIGHT);
  const perPixel = view.span / plotWidth(view);
  const step = STEPS_MS.find((s) => s / perPixel >= 90) ?? STEPS_MS[STEPS_MS.length - 1];
  const offset = new Date().getTimezoneOffset() * 60_000;
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = colors.muted;
  for (let t = Math.ceil((view.start - offset) / step) * step + offset; t <= view.start + view.span; t += step) {
    const x = xOf(view, t);
    ctx.fillRect(x, AXIS_HEIGHT - 5, 1, 5);
    const date = new Date(t);
    const label =
      step >= 86400_000
        ? date.toLocaleDateString([], { month: 'short', day: 'numeric' })
        : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    ctx.fillText(label, x + 3, AXIS_HEIGHT / 2);
  }
  ctx.fillStyle = colors.border;
  ctx.fillRect(0, AXIS_HEIGHT - 1, view.width, 1);
  if (nowX >= LABEL_WIDTH && nowX <= view.width) {
    ctx.fillStyle = colors.now;
    ctx.fillText('now', Math.min(nowX + 3, view.width - 28), AXIS_HEIGHT / 2);
  }
}
