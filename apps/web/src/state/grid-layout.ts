/**
 * Where <oar-node-grid> puts things: tiles in rows, cores in a tile, which tile a point or a key
 * lands on. Pure arithmetic in CSS pixels, so it is tested without a canvas.
 */
export interface GridLayout {
  /** Width of one tile including its gap. */
  tile: number;
  /** Height of one tile including its gap: `tile` unless fitted to a box. */
  tileHeight: number;
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

/** How far a fitted tile may stretch from square: wider up to 2:1, taller up to 2:3. */
const MAX_WIDE = 2;
const MAX_TALL = 1.5;

/**
 * The columns, and the tile width and height, that cover the most of a w×h box with `count` tiles
 * stretched at most MAX_WIDE/MAX_TALL from square (fewest rows on ties): 4 tiles on a 16:9 screen
 * become 2×2 wide tiles filling it rather than 4 squares leaving half of it empty.
 */
export function bestFit(count: number, w: number, h: number): { cols: number; width: number; height: number } {
  let best = { cols: 1, width: 0, height: 0, covered: -1 };
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const height = Math.floor(Math.min(h / rows, (w / cols) * MAX_TALL));
    const width = Math.floor(Math.min(w / cols, height * MAX_WIDE));
    const covered = width * height;
    if (covered > best.covered) best = { cols, width, height, covered };
  }
  return { cols: best.cols, width: best.width, height: best.height };
}

/**
 * `count` tiles in a box `width` wide (at least 100 px): squares of `tileSize`, or with `fit` the
 * tiles that cover the most of the box (each side at least 4 px), every tile showing in `height`.
 */
export function gridLayout(
  count: number,
  box: { width: number; height: number },
  sizing: { tileSize: number; fit: boolean },
): GridLayout {
  const width = Math.max(box.width, 100);
  const n = Math.max(count, 1);
  let tile = sizing.tileSize;
  let tileHeight = sizing.tileSize;
  let cols = Math.max(1, Math.floor(width / tile));
  if (sizing.fit) {
    const fitted = bestFit(n, width, Math.max(box.height, 100));
    tile = Math.max(4, fitted.width);
    tileHeight = Math.max(4, fitted.height);
    cols = Math.max(1, Math.min(fitted.cols, Math.floor(width / tile)));
  }
  const rows = Math.ceil(n / cols);
  const gap = Math.max(1, Math.round(Math.min(tile, tileHeight) * 0.06));
  return { tile, tileHeight, gap, cols, rows, width, height: rows * tileHeight };
}

/** Top-left corner of tile `index`. */
export function tileOrigin(
  layout: Pick<GridLayout, 'tile' | 'tileHeight' | 'cols'>,
  index: number,
): { x: number; y: number } {
  return { x: (index % layout.cols) * layout.tile, y: Math.floor(index / layout.cols) * layout.tileHeight };
}

/** The tile under a point, or -1 (past the last column or the last tile). */
export function tileAt(
  layout: Pick<GridLayout, 'tile' | 'tileHeight' | 'cols'>,
  count: number,
  x: number,
  y: number,
): number {
  const col = Math.floor(x / layout.tile);
  if (col >= layout.cols) return -1;
  const index = Math.floor(y / layout.tileHeight) * layout.cols + col;
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
