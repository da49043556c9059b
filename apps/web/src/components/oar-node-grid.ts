import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Node } from '@oar-live/oar-client';
import { stateStyle } from '../state/node-style';
import { focusAfterKey, gridLayout, tileAt, tileOrigin, type GridLayout } from '../state/grid-layout';
import { PAINT_COLOR_VARS, paintTile, stateShape, type Shape, type TileLook } from '../state/grid-painter';

const FLASH_MS = 1500;
type Pointed = { index: number; x: number; y: number };

/** What a tile shows for a node: the same facts the canvas draws, for tests and assistive text. */
export interface TileAppearance {
  state: string;
  shape: Shape;
  color: string;
  busyCores: number;
  totalCores: number;
  /** Cores drawn hatched: planned for a Waiting job (busy or not). */
  hatchedCores: number;
  /** Its busy cores carry their job's id (the tile is pointed at or focused), where they have room for it. */
  jobIdsShown: boolean;
  /** The job picked out on the grid, whose cores alone keep full colour. */
  highlightJob?: number;
}

/**
 * The node grid: one tile per node, one cell per core coloured by its job, the node state by
 * border colour AND an icon shape. A core OAR only planned for a Waiting job is not busy: it is
 * hatched (a pattern, not just a colour) in that job's colour. Drawn on a canvas (not one DOM element per core) so 5,000 nodes
 * render and update quickly; only tiles whose Node object changed are redrawn, and they flash.
 * Hover or keyboard focus (arrow keys) shows a node's details.
 */
@customElement('oar-node-grid')
export class OarNodeGrid extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      min-height: 4rem;
    }
    canvas {
      display: block;
      border-radius: 4px;
    }
    canvas:focus-visible {
      outline: 3px solid var(--focus, #1d4ed8);
      outline-offset: 2px;
    }
    .tip {
      position: absolute;
      pointer-events: none;
      z-index: 2;
      background: var(--surface-raised, #111827);
      color: var(--fg-raised, #f9fafb);
      border: 1px solid var(--border, #9ca3af);
      padding: 0.4rem 0.6rem;
      border-radius: 4px;
      font-size: 0.85rem;
      white-space: pre-line;
      max-width: 22rem;
      box-shadow: 0 2px 8px rgb(0 0 0 / 30%);
    }
    .sr {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
  `;

  @property({ attribute: false }) nodes: readonly Node[] = [];
  /** Tile edge in CSS pixels when not fitting; the wall fits all tiles into the host's box instead. */
  @property({ type: Number }) tileSize = 64;
  @property({ type: Boolean }) fit = false;
  /** Flash tiles that changed (the wall). */
  @property({ type: Boolean }) flash = false;
  /** A job to pick out (the wall's legend): its cores keep their colour and show its id, others dim. */
  @property({ type: Number }) highlightJob?: number;

  @state() private pointed?: Pointed;
  @state() private focusIndex = -1;
  @query('canvas') private canvas!: HTMLCanvasElement;

  private drawn = new Map<string, Node>();
  private drawnLooks = new Map<string, TileLook>();
  private indexByName = new Map<string, number>();
  private flashUntil = new Map<string, number>();
  private layout: GridLayout & { dpr: number } = {
    tile: 0,
    tileHeight: 0,
    gap: 0,
    cols: 0,
    rows: 0,
    width: 0,
    height: 0,
    dpr: 1,
  };
  private colors = new Map<string, string>();
  private frame = 0;
  private resizeObserver = new ResizeObserver(() => this.fullRedraw());

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  override render() {
    const pointed = this.pointed && this.nodes[this.pointed.index];
    const focused = this.nodes[this.focusIndex];
    return html`<canvas
        tabindex="0"
        role="img"
        aria-label=${`Node grid, ${this.nodes.length} nodes. Use arrow keys to read each node.`}
        @pointermove=${this.onPointerMove}
        @pointerleave=${() => (this.pointed = undefined)}
        @keydown=${this.onKeyDown}
        @blur=${() => (this.focusIndex = -1)}
      ></canvas>
      ${
        pointed
          ? html`<div class="tip" style="left:${this.pointed!.x + 12}px;top:${this.pointed!.y + 12}px">
              ${describeNode(pointed)}
            </div>`
          : null
      }
      <div class="sr" role="status" aria-live="polite">${focused ? describeNode(focused) : ''}</div>`;
  }

  /** The appearance of a node's tile as drawn, or undefined when it is not in the grid. */
  tileAppearance(name: string): TileAppearance | undefined {
    const node = this.drawn.get(name);
    const look = this.drawnLooks.get(name);
    if (!node || !look) return undefined;
    const style = stateStyle(node.state);
    return {
      state: node.state,
      shape: stateShape(node.state),
      color: this.color(style.colorVar),
      busyCores: node.busyCores,
      totalCores: node.totalCores,
      hatchedCores: node.resources.filter((r) => r.plannedJobIds).length,
      jobIdsShown: look.labelJobs ?? false,
      highlightJob: look.highlightJob,
    };
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('tileSize') || changed.has('fit') || !this.sameLayout()) return this.fullRedraw();
    if (changed.has('highlightJob')) return this.fullRedraw();
    if (changed.has('nodes')) this.redrawChanged();
    if (changed.has('focusIndex') || changed.has('pointed')) {
      // The tile under the pointer or the focus shows its cores' job ids: redraw it and the one it left.
      const before = [changed.get('focusIndex') as number | undefined, (changed.get('pointed') as Pointed)?.index];
      this.redrawTiles([...before, this.focusIndex, this.pointed?.index]);
    }
  }

  private redrawTiles(indexes: (number | undefined)[]): void {
    const ctx = this.canvas.getContext('2d')!;
    const now = performance.now();
    for (const index of new Set(indexes))
      if (index !== undefined && index >= 0 && index < this.nodes.length)
        this.drawTile(ctx, this.nodes[index], index, now);
  }

  private sameLayout(): boolean {
    if (this.nodes.length !== this.indexByName.size) return false;
    return this.nodes.every((n, i) => this.indexByName.get(n.name) === i);
  }

  private fullRedraw(): void {
    if (!this.canvas) return;
    this.computeLayout();
    this.readColors();
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(this.layout.dpr, 0, 0, this.layout.dpr, 0, 0);
    ctx.clearRect(0, 0, this.layout.width, this.layout.height);
    this.indexByName = new Map(this.nodes.map((n, i) => [n.name, i]));
    const previous = this.drawn;
    this.drawn = new Map();
    this.drawnLooks = new Map();
    const now = performance.now();
    this.nodes.forEach((node, i) => {
      const before = previous.get(node.name);
      if (this.flash && previous.size > 0 && before !== node) this.flashUntil.set(node.name, now + FLASH_MS);
      this.drawTile(ctx, node, i, now);
    });
    this.scheduleFlash();
  }

  private redrawChanged(): void {
    const ctx = this.canvas.getContext('2d')!;
    const now = performance.now();
    this.nodes.forEach((node, i) => {
      if (this.drawn.get(node.name) === node) return;
      if (this.flash) this.flashUntil.set(node.name, now + FLASH_MS);
      this.drawTile(ctx, node, i, now);
    });
    this.scheduleFlash();
  }

  private scheduleFlash(): void {
    if (this.frame || this.flashUntil.size === 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const ctx = this.canvas.getContext('2d')!;
      const now = performance.now();
      for (const [name, until] of this.flashUntil) {
        if (until <= now) this.flashUntil.delete(name);
        const index = this.indexByName.get(name);
        if (index !== undefined) this.drawTile(ctx, this.nodes[index], index, now);
      }
      this.scheduleFlash();
    });
  }

  private computeLayout(): void {
    const box = { width: this.clientWidth, height: this.clientHeight };
    const dpr = window.devicePixelRatio || 1;
    this.layout = { ...gridLayout(this.nodes.length, box, { tileSize: this.tileSize, fit: this.fit }), dpr };
    const { width, height } = this.layout;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
  }

  private readColors(): void {
    const computed = getComputedStyle(this);
    this.colors.clear();
    for (const name of PAINT_COLOR_VARS) this.colors.set(name, computed.getPropertyValue(name).trim() || '#888');
  }

  private color(name: string): string {
    return this.colors.get(name) ?? '#888';
  }

  private drawTile(ctx: CanvasRenderingContext2D, node: Node, index: number, now: number): void {
    this.drawn.set(node.name, node);
    const { x, y } = tileOrigin(this.layout, index);
    const { tile: width, tileHeight: height, gap } = this.layout;
    const look = this.lookOf(node.name, index, now);
    this.drawnLooks.set(node.name, look);
    paintTile(ctx, node, { x, y, width, height, gap }, look);
  }

  private lookOf(name: string, index: number, now: number): TileLook {
    const flashUntil = this.flashUntil.get(name) ?? 0;
    return {
      color: (cssVar) => this.color(cssVar),
      flash: flashUntil > now ? (flashUntil - now) / FLASH_MS : 0,
      focused: index === this.focusIndex,
      labelJobs: index === this.focusIndex || index === this.pointed?.index,
      highlightJob: this.highlightJob,
    };
  }

  private onPointerMove(event: PointerEvent): void {
    const index = tileAt(this.layout, this.nodes.length, event.offsetX, event.offsetY);
    this.pointed = index < 0 ? undefined : { index, x: event.offsetX, y: event.offsetY };
  }

  private onKeyDown(event: KeyboardEvent): void {
    const next = focusAfterKey(event.key, this.focusIndex, this.layout.cols, this.nodes.length);
    if (next === undefined) return;
    event.preventDefault();
    this.focusIndex = next;
  }
}

function describeNode(node: Node): string {
  const style = stateStyle(node.state);
  const jobs = node.jobIds.length ? `jobs ${node.jobIds.join(', ')}` : 'no jobs';
  const planned = node.plannedJobIds?.length
    ? `\nplanned for waiting ${node.plannedJobIds.length > 1 ? 'jobs' : 'job'} ${node.plannedJobIds.join(', ')}`
    : '';
  const reason = node.stateReason ? ` (${node.stateReason})` : '';
  return `${node.name} ${style.icon} ${node.state}${reason}\n${node.busyCores}/${node.totalCores} cores busy · ${jobs}${planned}`;
}
