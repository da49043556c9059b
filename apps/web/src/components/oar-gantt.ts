import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { GanttModel, type GanttBar, type GroupBy } from '../state/gantt-model';
import {
  AXIS_HEIGHT,
  drawGantt,
  plotWidth,
  rowAt,
  timeAt,
  xOf,
  yOf,
  type GanttColors,
  type GanttView,
} from '../state/gantt-painter';
import { LiveController } from '../state/live-controller';
import type { StoreChange } from '../state/live-store';

const HOUR = 3600_000;
/** Finished jobs older than this before the window's left edge are forgotten. */
const KEEP_FINISHED_MS = 24 * HOUR;

/**
 * The live Gantt: resources × time on a canvas (one element per bar would not hold 25,000 resources),
 * kept by the live batches. Zoom and pan with the wheel, dragging or the keyboard; `[` and `]` move
 * the focus from job to job and Enter (or a click) opens the job's page; the job under the pointer or
 * focused is named in a tooltip and a live region.
 */
@customElement('oar-gantt')
export class OarGantt extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      min-height: 320px;
    }
    canvas {
      display: block;
      width: 100%;
      height: 100%;
      cursor: grab;
      touch-action: none;
    }
    canvas:focus-visible {
      outline: 3px solid var(--focus);
      outline-offset: 2px;
    }
    .tip {
      position: absolute;
      pointer-events: none;
      background: var(--surface);
      color: var(--fg);
      border: 1px solid var(--border);
      border-radius: 4px;
      padding: 0.25rem 0.5rem;
      font-size: 0.85rem;
      max-width: 28rem;
      z-index: 1;
    }
    .sr {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
  `;

  @property() groupBy: GroupBy = 'node';
  @state() private pointed?: { bar: GanttBar; x: number; y: number };
  @state() private focusedJob?: number;
  @query('canvas') private canvas!: HTMLCanvasElement;

  readonly model = new GanttModel();
  private view: GanttView = {
    start: Date.now() - HOUR,
    span: 4 * HOUR,
    firstRow: 0,
    rowHeight: 0,
    width: 0,
    height: 0,
  };
  private colors?: GanttColors;
  private drag?: { x: number; y: number; start: number; firstRow: number; moved: boolean };
  private readonly live = new LiveController(this, (change) => this.onStoreChange(change));
  private readonly resizeObserver = new ResizeObserver(() => this.resize());
  private clock = 0;
  private pastRead = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver.observe(this);
    // The "now" line moves: one redraw a second.
    this.clock = window.setInterval(() => this.draw(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver.disconnect();
    clearInterval(this.clock);
  }

  override render() {
    const focused = this.focusedJob === undefined ? undefined : this.model.bars.get(this.focusedJob);
    return html`<canvas
        tabindex="0"
        role="img"
        aria-label=${
          `Gantt chart of ${this.model.rows.length} resources and ${this.model.bars.size} jobs. ` +
          'Plus and minus zoom, arrow keys pan, [ and ] move between jobs, Enter opens the focused job.'
        }
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointerleave=${() => (this.pointed = undefined)}
        @wheel=${this.onWheel}
        @keydown=${this.onKeyDown}
      ></canvas>
      ${
        this.pointed
          ? html`<div class="tip" style="left:${this.pointed.x + 12}px;top:${this.pointed.y + 12}px">
              ${this.describe(this.pointed.bar)}
            </div>`
          : null
      }
      <div class="sr" role="status" aria-live="polite">${focused ? this.describe(focused) : ''}</div>`;
  }

  /** One sentence naming a job as drawn. */
  describe(bar: GanttBar): string {
    const nodes = this.model.nodesOf(bar);
    const time = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    const what = {
      running: `running ${time(bar.start)} → ${time(bar.end)} at the latest`,
      finished: `ran ${time(bar.start)} → ${time(bar.end)}`,
      planned: `waiting, OAR predicts ${time(bar.start)} → ${time(bar.end)}`,
      reservation: `reserved ${time(bar.start)} → ${time(bar.end)}`,
    }[bar.kind];
    const cores = `${bar.resourceIds.length} ${bar.resourceIds.length === 1 ? 'core' : 'cores'}`;
    return `Job ${bar.jobId} (${bar.user}), ${what}, ${cores} on ${nodes.slice(0, 4).join(', ')}${nodes.length > 4 ? ` and ${nodes.length - 4} more nodes` : ''}`;
  }

  /** The bars drawn now, for tests: what a viewer sees in text. */
  drawnBars(): Array<{ jobId: number; kind: string; start: number; end: number }> {
    const end = this.view.start + this.view.span;
    return [...this.model.bars.values()]
      .filter((bar) => bar.end >= this.view.start && bar.start <= end && bar.runs.length > 0)
      .map(({ jobId, kind, start, end: stop }) => ({ jobId, kind, start, end: stop }));
  }

  /** Where a job's bar is drawn (the middle of its first rows, canvas pixels), for tests; undefined off screen. */
  barPoint(jobId: number): { x: number; y: number } | undefined {
    const bar = this.model.bars.get(jobId);
    const [first, last] = bar?.runs[0] ?? [];
    if (!bar || first === undefined || last === undefined) return undefined;
    const [from, to] = [Math.max(bar.start, this.view.start), Math.min(bar.end, this.view.start + this.view.span)];
    const y = (yOf(this.view, first) + yOf(this.view, last + 1)) / 2;
    if (from > to || y < AXIS_HEIGHT || y > this.view.height) return undefined;
    return { x: (xOf(this.view, from) + xOf(this.view, to)) / 2, y };
  }

  protected override updated(changed: PropertyValues): void {
    const snapshot = this.live.store?.snapshot;
    // The store was filled before this element was shown (another page received the snapshot).
    if (snapshot && this.model.rows.length === 0 && snapshot.nodes.length > 0) {
      this.model.setSnapshot(snapshot.nodes, snapshot.jobs);
      this.fitRows();
      void this.readPast();
    }
    if (changed.has('groupBy')) {
      const nodes = this.live.store?.snapshot?.nodes;
      if (nodes) this.model.setNodes(nodes, this.groupBy);
      this.fitRows();
    }
    this.draw();
  }

  private onStoreChange(change: StoreChange): void {
    const snapshot = this.live.store?.snapshot;
    if (!snapshot) return;
    const rowCount = this.model.rows.length;
    if (change.kind === 'snapshot') {
      this.model.setSnapshot(snapshot.nodes, snapshot.jobs);
      void this.readPast();
    } else if (change.kind === 'batch') this.model.applyBatch(change.batch, () => snapshot);
    else return;
    this.model.forgetBefore(this.view.start - KEEP_FINISHED_MS);
    if (this.model.rows.length !== rowCount) this.fitRows();
  }

  /** The finished jobs of the last day, read from OAR once; the live feed's job.removed adds later ones. */
  private async readPast(): Promise<void> {
    const api = this.live.api;
    if (this.pastRead || !api) return;
    this.pastRead = true;
    try {
      const to = new Date();
      const jobs = await api.finishedJobs(new Date(to.getTime() - KEEP_FINISHED_MS), to);
      for (const job of jobs) if (!this.model.bars.has(job.id)) this.model.finishJob(job);
      this.draw();
    } catch {
      // The past is a nicety: the live part of the Gantt does not depend on it. Retried at the next snapshot.
      this.pastRead = false;
    }
  }

  private resize(): void {
    if (!this.canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const width = this.clientWidth;
    const height = Math.max(this.clientHeight, 320);
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.view = { ...this.view, width, height };
    this.colors = undefined;
    this.fitRows();
    this.draw();
  }

  /** Every row in the height (rows thinner than a pixel share it). */
  private fitRows(): void {
    const rows = Math.max(1, this.model.rows.length);
    this.view = { ...this.view, firstRow: 0, rowHeight: Math.min(24, (this.view.height - AXIS_HEIGHT) / rows) };
  }

  private draw(): void {
    if (!this.canvas || this.view.width === 0) return;
    const ctx = this.canvas.getContext('2d')!;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.colors ??= this.readColors();
    drawGantt(ctx, this.model, this.view, this.colors, Date.now(), this.focusedJob);
  }

  private readColors(): GanttColors {
    const style = getComputedStyle(this);
    const get = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    return {
      bg: get('--bg', '#fff'),
      fg: get('--fg', '#111'),
      muted: get('--muted', '#555'),
      border: get('--border', '#ccc'),
      now: get('--state-dead', '#c00'),
      focus: get('--focus', '#05f'),
    };
  }

  private zoomTime(factor: number, aroundX = 96 + plotWidth(this.view) / 2): void {
    const pivot = timeAt(this.view, aroundX);
    const span = Math.min(60 * 86400_000, Math.max(60_000, this.view.span * factor));
    this.view = { ...this.view, span, start: pivot - ((pivot - this.view.start) / this.view.span) * span };
    this.draw();
  }

  private zoomRows(factor: number): void {
    const fit = (this.view.height - AXIS_HEIGHT) / Math.max(1, this.model.rows.length);
    this.view = { ...this.view, rowHeight: Math.min(40, Math.max(fit, this.view.rowHeight * factor)) };
    this.panRows(0);
  }

  private panRows(rows: number): void {
    const visible = (this.view.height - AXIS_HEIGHT) / this.view.rowHeight;
    const firstRow = Math.max(0, Math.min(this.model.rows.length - visible, this.view.firstRow + rows));
    this.view = { ...this.view, firstRow: Math.max(0, firstRow) };
    this.draw();
  }

  private panTime(fraction: number): void {
    this.view = { ...this.view, start: this.view.start + fraction * this.view.span };
    this.draw();
  }

  private readonly onWheel = (event: WheelEvent) => {
    event.preventDefault();
    const factor = Math.exp(event.deltaY / 500);
    if (event.shiftKey) this.panRows((event.deltaY / 100) * Math.max(1, 40 / this.view.rowHeight));
    else if (event.altKey) this.zoomRows(1 / factor);
    else this.zoomTime(factor, event.offsetX);
  };

  private readonly onPointerDown = (event: PointerEvent) => {
    this.canvas.setPointerCapture(event.pointerId);
    this.drag = {
      x: event.offsetX,
      y: event.offsetY,
      start: this.view.start,
      firstRow: this.view.firstRow,
      moved: false,
    };
  };

  private readonly onPointerMove = (event: PointerEvent) => {
    const drag = this.drag;
    if (drag) {
      const [dx, dy] = [event.offsetX - drag.x, event.offsetY - drag.y];
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (drag.moved) {
        this.view = {
          ...this.view,
          start: drag.start - (dx / plotWidth(this.view)) * this.view.span,
          firstRow: drag.firstRow,
        };
        this.panRows(-dy / this.view.rowHeight);
        return;
      }
    }
    const bar = this.barAt(event.offsetX, event.offsetY);
    this.pointed = bar ? { bar, x: event.offsetX, y: event.offsetY } : undefined;
  };

  private readonly onPointerUp = (event: PointerEvent) => {
    const drag = this.drag;
    this.drag = undefined;
    if (drag?.moved) return;
    const bar = this.barAt(event.offsetX, event.offsetY);
    if (bar) this.open(bar.jobId);
  };

  private readonly onKeyDown = (event: KeyboardEvent) => {
    const actions: Record<string, () => void> = {
      '+': () => this.zoomTime(1 / 1.5),
      '=': () => this.zoomTime(1 / 1.5),
      '-': () => this.zoomTime(1.5),
      ArrowLeft: () => this.panTime(-0.1),
      ArrowRight: () => this.panTime(0.1),
      ArrowUp: () => this.panRows(-Math.max(1, 20 / this.view.rowHeight)),
      ArrowDown: () => this.panRows(Math.max(1, 20 / this.view.rowHeight)),
      PageUp: () => this.zoomRows(1.5),
      PageDown: () => this.zoomRows(1 / 1.5),
      Home: () => this.panTime((Date.now() - this.view.span / 4 - this.view.start) / this.view.span),
      ']': () => this.moveFocus(1),
      '[': () => this.moveFocus(-1),
      Enter: () => this.focusedJob !== undefined && this.open(this.focusedJob),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  /** Next or previous job drawn in the window, by start time. */
  private moveFocus(step: number): void {
    const shown = this.drawnBars().sort((a, b) => a.start - b.start || a.jobId - b.jobId);
    if (shown.length === 0) return;
    const index = shown.findIndex((bar) => bar.jobId === this.focusedJob);
    const next = index < 0 ? (step > 0 ? 0 : shown.length - 1) : (index + step + shown.length) % shown.length;
    this.focusedJob = shown[next].jobId;
  }

  private barAt(x: number, y: number): GanttBar | undefined {
    if (y < AXIS_HEIGHT) return undefined;
    return this.model.barAt(rowAt(this.view, y), timeAt(this.view, x));
  }

  /** The app routes on popstate; the canvas has no link to click. */
  private open(jobId: number): void {
    history.pushState(null, '', `/jobs/${jobId}`);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }
}
