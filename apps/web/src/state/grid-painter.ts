/**
 * How <oar-node-grid> paints one node tile: border and icon for the node state, the name, one cell
 * per core coloured by its job (hatched when only planned), the flash and the focus ring. Pure: it
 * paints onto the few 2D-context calls below and reads colours through `colors`, so its spec records
 * the calls instead of reading pixels. The element keeps the DOM, events, flash timing and
 * accessibility.
 */
import type { Node } from '@oar-live/oar-client';
import { bestSquare } from './grid-layout';
import { jobColor, stateStyle } from './node-style';

/** The part of CanvasRenderingContext2D the painter uses (a real context satisfies it). */
export interface Paint2D {
  fillStyle: string | CanvasGradient | CanvasPattern;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  lineWidth: number;
  globalAlpha: number;
  font: string;
  textBaseline: CanvasTextBaseline;
  textAlign: CanvasTextAlign;
  save(): void;
  restore(): void;
  beginPath(): void;
  closePath(): void;
  rect(x: number, y: number, w: number, h: number): void;
  clip(): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  arc(x: number, y: number, r: number, start: number, end: number): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  fill(): void;
  stroke(): void;
  measureText(text: string): { width: number };
  fillText(text: string, x: number, y: number, maxWidth?: number): void;
}

export type Shape = 'circle' | 'ring' | 'triangle' | 'cross' | 'half';
const SHAPES: Record<string, Shape> = { Alive: 'circle', Absent: 'ring', Suspected: 'triangle', Dead: 'cross' };

/** The icon shape of a node state (mixed states get the half disc). */
export function stateShape(state: string): Shape {
  return SHAPES[state] ?? 'half';
}

/** The CSS custom properties the painter reads: the element resolves them once per theme. */
export const PAINT_COLOR_VARS = [
  '--state-alive',
  '--state-absent',
  '--state-suspected',
  '--state-dead',
  '--state-mixed',
  '--tile-bg',
  '--core-free',
  '--core-off',
  '--fg',
  '--flash',
  '--focus',
] as const;

export interface TileLook {
  /** Resolved colour of a custom property from PAINT_COLOR_VARS. */
  color(cssVar: string): string;
  /** Opacity of the flash ring, 0 (none) to 1 (just changed). */
  flash: number;
  focused: boolean;
  /** Write each busy core's job id in it even on a small tile (the tile under the pointer or focus). */
  labelJobs?: boolean;
  /** A job to pick out: its cores keep their colour and get its id; the other jobs' cores are dimmed. */
  highlightJob?: number;
}

/** Smallest core cell that gets its job's id written in it (CSS px): readable text needs room. */
const LABEL_MIN_CELL = 26;
/** Under the pointer or focus, or for the highlighted job, smaller text is fine: the eye is on it. */
const LABEL_MIN_FOCUSED = 10;

/** Where a tile goes: its top-left corner, its size including the gap, and the gap (right and below). */
export interface TileBox {
  x: number;
  y: number;
  width: number;
  height: number;
  gap: number;
}

/**
 * Paints `node` in `box`. Everything is clipped to the tile's own box (gap included), so a stroke
 * never leaves a sliver on a neighbour that is not redrawn.
 */
export function paintTile(ctx: Paint2D, node: Node, box: TileBox, look: TileLook): void {
  const { x, y } = box;
  const w = box.width - box.gap;
  const h = box.height - box.gap;
  const size = Math.min(w, h);
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, box.width, box.height);
  ctx.clip();
  ctx.clearRect(x, y, box.width, box.height);
  ctx.fillStyle = look.color('--tile-bg');
  ctx.fillRect(x, y, w, h);
  const stateColor = look.color(stateStyle(node.state).colorVar);
  const border = Math.min(4, Math.max(1, Math.round(size * 0.04)));
  ctx.strokeStyle = stateColor;
  ctx.lineWidth = border;
  ctx.strokeRect(x + border / 2, y + border / 2, w - border, h - border);

  const header = size >= 44 ? Math.round(size * 0.26) : Math.round(size * 0.34);
  const icon = Math.max(4, header - border * 2);
  paintShape(ctx, stateShape(node.state), x + border + 1, y + border + 1, icon, stateColor);
  if (size >= 44)
    paintName(ctx, node.name, x + border + icon + 4, y + border + 1 + icon / 2, header, {
      room: w - icon - border * 2 - 6,
      color: look.color('--fg'),
    });
  paintCores(ctx, node, x + border + 1, y + header + border, w - 2 * border - 2, h - header - 2 * border, look);

  if (look.flash > 0) {
    const width = Math.max(2, border * 1.5);
    ctx.globalAlpha = Math.min(1, look.flash);
    ctx.strokeStyle = look.color('--flash');
    ctx.lineWidth = width;
    ctx.strokeRect(x + width / 2, y + width / 2, w - width, h - width);
    ctx.globalAlpha = 1;
  }
  if (look.focused) {
    ctx.strokeStyle = look.color('--focus');
    ctx.lineWidth = 3;
    ctx.strokeRect(x + 1.5, y + 1.5, w - 3, h - 3);
  }
  ctx.restore();
}

function paintName(
  ctx: Paint2D,
  name: string,
  x: number,
  y: number,
  header: number,
  opts: { room: number; color: string },
): void {
  ctx.fillStyle = opts.color;
  let fontPx = Math.round(header * 0.7);
  ctx.font = `600 ${fontPx}px system-ui, sans-serif`;
  const width = ctx.measureText(name).width;
  if (width > opts.room) {
    // A smaller font reads better than the squeezed glyphs fillText's maxWidth would draw.
    fontPx = Math.max(8, Math.floor((fontPx * opts.room) / width));
    ctx.font = `600 ${fontPx}px system-ui, sans-serif`;
  }
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillText(name, x, y, opts.room);
}

function paintCores(ctx: Paint2D, node: Node, x: number, y: number, w: number, h: number, look: TileLook): void {
  const count = node.resources.length;
  if (count === 0 || w < 2 || h < 2) return;
  const { cols, rows } = bestSquare(count, w, h);
  const cw = w / cols;
  const ch = h / rows;
  const pad = cw > 6 && ch > 6 ? 1 : 0;
  const labelled = Math.min(cw, ch) >= (look.labelJobs ? LABEL_MIN_FOCUSED : LABEL_MIN_CELL);
  node.resources.forEach((resource, i) => {
    const jobId = resource.jobIds[0];
    const cellX = x + (i % cols) * cw;
    const cellY = y + Math.floor(i / cols) * ch;
    const dimmed = look.highlightJob !== undefined && jobId !== look.highlightJob;
    ctx.globalAlpha = dimmed ? 0.25 : 1;
    ctx.fillStyle =
      jobId !== undefined ? jobColor(jobId) : look.color(resource.state === 'Alive' ? '--core-free' : '--core-off');
    ctx.fillRect(cellX, cellY, cw - pad, ch - pad);
    ctx.globalAlpha = 1;
    const plannedJob = resource.plannedJobIds?.[0];
    if (plannedJob !== undefined) {
      const stripes = jobId !== undefined ? look.color('--tile-bg') : jobColor(plannedJob);
      hatch(ctx, cellX, cellY, cw - pad, ch - pad, stripes);
    }
    if (jobId !== undefined && (labelled || (jobId === look.highlightJob && Math.min(cw, ch) >= LABEL_MIN_FOCUSED)))
      paintCellLabel(ctx, String(jobId), cellX + (cw - pad) / 2, cellY + (ch - pad) / 2, cw - pad, ch - pad);
  });
}

/** A job id written in its core cell: white on a dark bar, so it reads on every job colour. */
function paintCellLabel(ctx: Paint2D, text: string, cx: number, cy: number, w: number, h: number): void {
  const fontPx = Math.max(8, Math.min(Math.floor(h * 0.45), Math.floor((w * 0.9) / (Math.max(2, text.length) * 0.6))));
  ctx.font = `700 ${fontPx}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const bar = Math.min(w, ctx.measureText(text).width + fontPx * 0.6);
  ctx.fillStyle = 'rgb(0 0 0 / 60%)';
  ctx.fillRect(cx - bar / 2, cy - fontPx * 0.65, bar, fontPx * 1.3);
  ctx.fillStyle = '#ffffff';
  ctx.fillText(text, cx, cy, w);
}

/** Diagonal stripes over a cell, clipped to it. */
function hatch(ctx: Paint2D, x: number, y: number, w: number, h: number, color: string): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  ctx.strokeStyle = color;
  ctx.lineWidth = Math.max(1, Math.min(w, h) / 8);
  const step = Math.max(3, Math.min(w, h) / 3);
  ctx.beginPath();
  for (let d = -h; d < w; d += step) {
    ctx.moveTo(x + d, y + h);
    ctx.lineTo(x + d + h, y);
  }
  ctx.stroke();
  ctx.restore();
}

function paintShape(ctx: Paint2D, shape: Shape, x: number, y: number, size: number, color: string): void {
  const r = size / 2;
  const cx = x + r;
  const cy = y + r;
  ctx.fillStyle = color;
  ctx.strokeStyle = color;
  ctx.lineWidth = Math.max(1.5, size / 6);
  ctx.beginPath();
  switch (shape) {
    case 'circle':
      ctx.arc(cx, cy, r * 0.85, 0, Math.PI * 2);
      ctx.fill();
      return;
    case 'ring':
      ctx.arc(cx, cy, r * 0.7, 0, Math.PI * 2);
      ctx.stroke();
      return;
    case 'triangle':
      ctx.moveTo(cx, y);
      ctx.lineTo(x + size, y + size);
      ctx.lineTo(x, y + size);
      ctx.closePath();
      ctx.fill();
      return;
    case 'cross':
      ctx.moveTo(x + 1, y + 1);
      ctx.lineTo(x + size - 1, y + size - 1);
      ctx.moveTo(x + size - 1, y + 1);
      ctx.lineTo(x + 1, y + size - 1);
      ctx.stroke();
      return;
    case 'half':
      ctx.arc(cx, cy, r * 0.8, Math.PI / 2, (Math.PI * 3) / 2);
      ctx.fill();
      ctx.beginPath();
      ctx.arc(cx, cy, r * 0.8, 0, Math.PI * 2);
      ctx.stroke();
      return;
  }
}
