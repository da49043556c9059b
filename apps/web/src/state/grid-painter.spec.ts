import type { Node } from '@oar-live/oar-client';
import { paintTile, stateShape, type Paint2D, type TileLook } from './grid-painter';
import { jobColor } from './node-style';

/** A 2D context that records each call with the style in force, instead of drawing. */
class RecordingContext implements Paint2D {
  fillStyle: Paint2D['fillStyle'] = '';
  strokeStyle: Paint2D['strokeStyle'] = '';
  lineWidth = 1;
  globalAlpha = 1;
  font = '';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  textAlign: CanvasTextAlign = 'start';
  calls: { op: string; args: number[]; text?: string; fill: unknown; stroke: unknown; alpha: number; width: number }[] =
    [];
  private depth = 0;
  maxDepth = 0;

  private log(op: string, args: number[], text?: string) {
    const { fillStyle: fill, strokeStyle: stroke, globalAlpha: alpha, lineWidth: width } = this;
    this.calls.push({ op, args, text, fill, stroke, alpha, width });
  }
  save() {
    this.maxDepth = Math.max(this.maxDepth, ++this.depth);
    this.log('save', []);
  }
  restore() {
    this.depth--;
    this.log('restore', []);
  }
  beginPath() {}
  closePath() {}
  rect(...a: number[]) {
    this.log('rect', a);
  }
  clip() {
    this.log('clip', []);
  }
  clearRect(...a: number[]) {
    this.log('clearRect', a);
  }
  fillRect(...a: number[]) {
    this.log('fillRect', a);
  }
  strokeRect(...a: number[]) {
    this.log('strokeRect', a);
  }
  arc(...a: number[]) {
    this.log('arc', a);
  }
  moveTo(...a: number[]) {
    this.log('moveTo', a);
  }
  lineTo(...a: number[]) {
    this.log('lineTo', a);
  }
  fill() {
    this.log('fill', []);
  }
  stroke() {
    this.log('stroke', []);
  }
  measureText(text: string) {
    return { width: text.length * 10 };
  }
  fillText(text: string, ...a: number[]) {
    this.log('fillText', a, text);
  }
  get open() {
    return this.depth;
  }
}

const COLORS: Record<string, string> = {
  '--tile-bg': 'tile-bg',
  '--core-free': 'free',
  '--core-off': 'off',
  '--state-alive': 'alive',
  '--state-dead': 'dead',
  '--fg': 'fg',
  '--flash': 'flash',
  '--focus': 'focus',
};
const look = (patch: Partial<TileLook> = {}): TileLook => ({
  color: (name) => COLORS[name] ?? 'other',
  flash: 0,
  focused: false,
  ...patch,
});

function node(name: string, cores: { jobId?: number; planned?: number; state?: string }[], state = 'Alive'): Node {
  const resources = cores.map((c, i) => ({
    id: i + 1,
    node: name,
    state: c.state ?? state,
    jobIds: c.jobId === undefined ? [] : [c.jobId],
    ...(c.planned === undefined ? {} : { plannedJobIds: [c.planned] }),
  }));
  const busyCores = resources.filter((r) => r.jobIds.length).length;
  return { name, state, resources, jobIds: [], busyCores, totalCores: cores.length };
}

/** The fills after the tile's background: one per core cell on a small tile. */
const coreFills = (ctx: RecordingContext) => ctx.calls.filter((c) => c.op === 'fillRect').slice(1);

describe('grid painter', () => {
  it('clips every stroke to the tile (gap included) and leaves the context as it found it', () => {
    const ctx = new RecordingContext();
    paintTile(
      ctx,
      node('n1', [{ jobId: 7 }, {}]),
      { x: 120, y: 60, width: 60, height: 60, gap: 4 },
      look({ flash: 1, focused: true }),
    );
    const [save, rect, clip, clear] = ctx.calls;
    expect([save.op, rect.op, clip.op, clear.op]).toEqual(['save', 'rect', 'clip', 'clearRect']);
    expect(rect.args).toEqual([120, 60, 60, 60]);
    expect(clear.args).toEqual([120, 60, 60, 60]);
    expect(ctx.open).toBe(0);
    for (const stroke of ctx.calls.filter((c) => c.op === 'strokeRect')) {
      const [x, y, w, h] = stroke.args;
      const half = stroke.width / 2;
      // Inside the painted square (tile minus gap): nothing spills into the gap a neighbour owns.
      expect(x - half).toBeGreaterThanOrEqual(120);
      expect(y - half).toBeGreaterThanOrEqual(60);
      expect(x + w + half).toBeLessThanOrEqual(120 + 56);
      expect(y + h + half).toBeLessThanOrEqual(60 + 56);
    }
  });

  it('colours each core by its job, free cores and unavailable ones by theme colour', () => {
    const ctx = new RecordingContext();
    paintTile(
      ctx,
      node('n1', [{ jobId: 7 }, {}, { state: 'Dead' }]),
      { x: 0, y: 0, width: 40, height: 40, gap: 2 },
      look(),
    );
    const fills = coreFills(ctx).map((c) => c.fill);
    expect(fills).toEqual([jobColor(7), 'free', 'off']);
  });

  it('draws the state border in the state colour and its icon shape', () => {
    const alive = new RecordingContext();
    paintTile(alive, node('n1', [{}]), { x: 0, y: 0, width: 40, height: 40, gap: 2 }, look());
    expect(alive.calls.find((c) => c.op === 'strokeRect')?.stroke).toBe('alive');
    expect(alive.calls.filter((c) => c.op === 'fill' && c.fill === 'alive')).toHaveLength(1); // the disc
    const dead = new RecordingContext();
    paintTile(dead, node('n2', [{}], 'Dead'), { x: 0, y: 0, width: 40, height: 40, gap: 2 }, look());
    expect(dead.calls.find((c) => c.op === 'strokeRect')?.stroke).toBe('dead');
    expect(dead.calls.filter((c) => c.op === 'arc')).toHaveLength(0); // a cross, not a disc
    expect(stateShape('Alive/Absent')).toBe('half');
  });

  it('writes the name only on tiles large enough to read it, shrinking the font to fit', () => {
    const small = new RecordingContext();
    paintTile(small, node('node1', [{}]), { x: 0, y: 0, width: 40, height: 40, gap: 2 }, look());
    expect(small.calls.some((c) => c.op === 'fillText')).toBe(false);
    const large = new RecordingContext();
    paintTile(large, node('a-very-long-node-name', [{}]), { x: 0, y: 0, width: 100, height: 100, gap: 6 }, look());
    const name = large.calls.find((c) => c.op === 'fillText');
    expect(name?.text).toBe('a-very-long-node-name');
    expect(name?.fill).toBe('fg');
    // 17 px (0.7 × the 24 px header) would be 210 px wide in a 64 px room: shrunk to the 8 px floor.
    expect(large.font).toBe('600 8px system-ui, sans-serif');
  });

  it('hatches a core planned for a waiting job in that job’s colour, clipped to the cell', () => {
    const ctx = new RecordingContext();
    paintTile(ctx, node('n1', [{ planned: 9 }]), { x: 0, y: 0, width: 40, height: 40, gap: 2 }, look());
    const strokes = ctx.calls.filter((c) => c.op === 'stroke');
    expect(strokes.some((c) => c.stroke === jobColor(9))).toBe(true);
    expect(ctx.maxDepth).toBe(2); // the cell's clip nests inside the tile's
  });

  it('rings a changed tile in the flash colour, fading with the given opacity, and a focused one in the focus colour', () => {
    const ctx = new RecordingContext();
    paintTile(
      ctx,
      node('n1', [{}]),
      { x: 0, y: 0, width: 40, height: 40, gap: 2 },
      look({ flash: 0.5, focused: true }),
    );
    const strokes = ctx.calls.filter((c) => c.op === 'strokeRect');
    expect(strokes.find((c) => c.stroke === 'flash')?.alpha).toBe(0.5);
    expect(strokes.some((c) => c.stroke === 'focus')).toBe(true);
    const still = new RecordingContext();
    paintTile(still, node('n1', [{}]), { x: 0, y: 0, width: 40, height: 40, gap: 2 }, look());
    expect(still.calls.some((c) => c.stroke === 'flash' || c.stroke === 'focus')).toBe(false);
    expect(still.globalAlpha).toBe(1);
  });

  it('labels cores with their job id when the cells are large enough, and picks out a highlighted job', () => {
    const big = new RecordingContext();
    paintTile(
      big,
      node('n1', [{ jobId: 42 }, { jobId: 43 }]),
      { x: 0, y: 0, width: 300, height: 300, gap: 10 },
      look({ highlightJob: 42 }),
    );
    expect(big.calls.filter((c) => c.op === 'fillText').map((c) => c.text)).toEqual(['n1', '42', '43']);
    const fills = big.calls.filter((c) => c.op === 'fillRect' && (c.fill === jobColor(42) || c.fill === jobColor(43)));
    expect(fills.map((c) => [c.fill, c.alpha])).toEqual([
      [jobColor(42), 1],
      [jobColor(43), 0.25],
    ]);
    const tiny = new RecordingContext();
    paintTile(tiny, node('n1', [{ jobId: 42 }, { jobId: 43 }]), { x: 0, y: 0, width: 30, height: 30, gap: 2 }, look());
    expect(tiny.calls.some((c) => c.op === 'fillText')).toBe(false);
  });

  it('writes the job ids on a small tile only while it is pointed at or focused', () => {
    const busy = node('n1', [{ jobId: 42 }]);
    const box = { x: 0, y: 0, width: 40, height: 40, gap: 2 };
    const idle = new RecordingContext();
    paintTile(idle, busy, box, look());
    expect(idle.calls.some((c) => c.op === 'fillText')).toBe(false);
    const pointed = new RecordingContext();
    paintTile(pointed, busy, box, look({ labelJobs: true }));
    expect(pointed.calls.filter((c) => c.op === 'fillText').map((c) => c.text)).toEqual(['42']);
  });
});
