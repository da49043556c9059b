/**
 * Where <oar-node-grid> puts things: tiles in rows, cores in a tile, which tile a point or a key
 * lands on. Pure arithmetic in CSS pixels, so it is tested without a canvas.
 */
export interface GridLayout {
  /** Edge of one tile including its gap. */
  tile: number;
  gap: number;
  cols: number;
  rows: number;
  width: number;
  height: number;
}

/** The column count that gives `count` squares in a w×h box the largest edge (fewest rows on ties). */
export function bestSquare(count: number, w: number, h: number): { cols: number; rows: number; size: number } {
  let best = { cols: 1, rows: count, size: 0 };
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const size = Math.floor(Math.min(w / cols, h / rows));
    if (size > best.size) best = { cols, rows, size };
  }
  return best;
}

/**
 * `count` tiles in a box `width` wide (at least 100 px): of `tileSize`, or with `fit` as large as lets
 * every tile show in `height` (at least 4 px).
 */
export function gridLayout(
  count: number,
  box: { width: number; height: number },
  sizing: { tileSize: number; fit: boolean },
): GridLayout {
  const width = Math.max(box.width, 100);
  const n = Math.max(count, 1);
  const tile = sizing.fit ? Math.max(4, bestSquare(n, width, Math.max(box.height, 100)).size) : sizing.tileSize;
  const cols = Math.max(1, Math.floor(width / tile));
  const rows = Math.ceil(n / cols);
  const gap = Math.max(1, Math.round(tile * 0.06));
  return { tile, gap, cols, rows, width, height: rows * tile };
}

/** Top-left corner of tile `index`. */
export function tileOrigin(layout: Pick<GridLayout, 'tile' | 'cols'>, index: number): { x: number; y: number } {
  return { x: (index % layout.cols) * layout.tile, y: Math.floor(index / layout.cols) * layout.tile };
}

/** The tile under a point, or -1 (past the last column or the last tile). */
export function tileAt(layout: Pick<GridLayout, 'tile' | 'cols'>, count: number, x: number, y: number): number {
  const col = Math.floor(x / layout.tile);
  if (col >= layout.cols) return -1;
  const index = Math.floor(y / layout.tile) * layout.cols + col;
  return index < count ? index : -1;
}

/**
 * The tile focused after `key` (arrows move by one tile or one row, Home/End to the ends; the first
 * arrow focuses tile 0), or undefined when the key does not move the focus.
 */
export function focusAfterKey(key: string, focusIndex: number, cols: number, count: number): number | undefined {
  const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols };
  let next: number;
  if (key in moves) next = Math.max(0, focusIndex) + (focusIndex < 0 ? 0 : moves[key]);
  else if (key === 'Home') next = 0;
  else if (key === 'End') next = count - 1;
  else return undefined;
  return Math.min(count - 1, Math.max(0, next));
}
