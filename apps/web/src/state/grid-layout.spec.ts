import { bestFit, bestSquare, focusAfterKey, gridLayout, tileAt, tileOrigin } from './grid-layout';

describe('grid layout', () => {
  it('lays fixed-size tiles in as many columns as fit, rows as needed', () => {
    const layout = gridLayout(10, { width: 400, height: 0 }, { tileSize: 96, fit: false });
    expect(layout).toEqual({ tile: 96, tileHeight: 96, gap: 6, cols: 4, rows: 3, width: 400, height: 288 });
  });

  it('with fit, grows the tiles as large as lets every one show in the box', () => {
    const layout = gridLayout(12, { width: 800, height: 300 }, { tileSize: 96, fit: true });
    expect(layout.cols * layout.rows).toBeGreaterThanOrEqual(12);
    expect(layout.height).toBeLessThanOrEqual(300);
    // 4 × 3 tiles of 200 × 100 cover the whole box; 6 × 2 squares of 133 would cover 80 % of it.
    expect(layout).toMatchObject({ cols: 4, rows: 3, tile: 200, tileHeight: 100 });
  });

  it('with fit, stretches few tiles to fill a wide screen instead of leaving half of it empty', () => {
    const box = { width: 1880, height: 760 };
    const four = gridLayout(4, box, { tileSize: 96, fit: true });
    // One row of 470 × 705 (2:3, the tallest allowed) covers 93 %; 2 × 2 tiles of 760 × 380 (2:1) 81 %.
    expect(four).toMatchObject({ cols: 4, rows: 1, tile: 470, tileHeight: 705 });
    expect((four.cols * four.tile * four.height) / (box.width * box.height)).toBeGreaterThan(0.9);
    const many = gridLayout(5000, box, { tileSize: 96, fit: true });
    expect(many.cols * many.rows).toBeGreaterThanOrEqual(5000);
    expect(many.height).toBeLessThanOrEqual(760);
    expect((many.cols * many.tile * many.height) / (box.width * box.height)).toBeGreaterThan(0.8);
  });

  it('never stretches a fitted tile beyond 2:1 wide or 2:3 tall', () => {
    for (const [count, w, h] of [
      [1, 1000, 100],
      [1, 100, 1000],
      [3, 1920, 1080],
      [200, 1920, 900],
    ]) {
      const fit = bestFit(count, w, h);
      expect(fit.width / fit.height).toBeLessThanOrEqual(2);
      expect(fit.height / fit.width).toBeLessThanOrEqual(1.5 + 0.02);
      expect(fit.cols * fit.width).toBeLessThanOrEqual(w);
      expect(Math.ceil(count / fit.cols) * fit.height).toBeLessThanOrEqual(h);
    }
  });

  it('keeps a usable box for an empty grid and a tiny element', () => {
    expect(gridLayout(0, { width: 0, height: 0 }, { tileSize: 40, fit: false })).toMatchObject({
      width: 100,
      cols: 2,
      rows: 1,
    });
    expect(gridLayout(5000, { width: 10, height: 10 }, { tileSize: 40, fit: true }).tile).toBe(4);
  });

  it('picks the column count giving the largest squares, fewest rows on ties', () => {
    expect(bestSquare(8, 100, 50)).toEqual({ cols: 4, rows: 2, size: 25 });
    expect(bestSquare(2, 10, 10)).toEqual({ cols: 1, rows: 2, size: 5 });
    expect(bestSquare(1, 30, 20)).toEqual({ cols: 1, rows: 1, size: 20 });
  });

  it('finds the tile under a point, and none past the last column or the last tile', () => {
    const layout = { tile: 50, tileHeight: 50, cols: 3 };
    expect(tileOrigin(layout, 4)).toEqual({ x: 50, y: 50 });
    expect(tileAt(layout, 5, 60, 60)).toBe(4);
    expect(tileAt(layout, 5, 0, 0)).toBe(0);
    expect(tileAt(layout, 5, 160, 10)).toBe(-1);
    expect(tileAt(layout, 5, 110, 60)).toBe(-1);
    for (let index = 0; index < 5; index++) {
      const { x, y } = tileOrigin(layout, index);
      expect(tileAt(layout, 5, x + 49, y + 49)).toBe(index);
    }
  });

  it('moves the focus by tile and by row, clamped to the grid', () => {
    expect(focusAfterKey('ArrowRight', -1, 4, 10)).toBe(0);
    expect(focusAfterKey('ArrowRight', 2, 4, 10)).toBe(3);
    expect(focusAfterKey('ArrowDown', 2, 4, 10)).toBe(6);
    expect(focusAfterKey('ArrowDown', 8, 4, 10)).toBe(9);
    expect(focusAfterKey('ArrowUp', 1, 4, 10)).toBe(0);
    expect(focusAfterKey('End', 0, 4, 10)).toBe(9);
    expect(focusAfterKey('Home', 7, 4, 10)).toBe(0);
    expect(focusAfterKey('Enter', 7, 4, 10)).toBeUndefined();
  });
});
