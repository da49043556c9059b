import { bestSquare, focusAfterKey, gridLayout, tileAt, tileOrigin } from './grid-layout';

describe('grid layout', () => {
  it('lays fixed-size tiles in as many columns as fit, rows as needed', () => {
    const layout = gridLayout(10, { width: 400, height: 0 }, { tileSize: 96, fit: false });
    expect(layout).toEqual({ tile: 96, gap: 6, cols: 4, rows: 3, width: 400, height: 288 });
  });

  it('with fit, grows the tiles as large as lets every one show in the box', () => {
    const layout = gridLayout(12, { width: 800, height: 300 }, { tileSize: 96, fit: true });
    expect(layout.cols * layout.rows).toBeGreaterThanOrEqual(12);
    expect(layout.height).toBeLessThanOrEqual(300);
    expect(layout.tile).toBe(133); // 6 × 2 tiles of 133 px; 4 × 3 would give only 100
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
    const layout = { tile: 50, cols: 3 };
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
