import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, queryAll, state } from 'lit/decorators.js';
import type { UtilisationColumns } from '@oar-live/shared';
// uPlot: 50 kB minified, draws 43,200 points (30 days of minutes) in a few ms on one canvas, and takes
// the columns the API serves as they are. Chart.js (~200 kB) and ECharts (~1 MB) cost more and add
// nothing these two time series need.
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import { LiveController } from '../state/live-controller';
import { CORE_SERIES, JOB_SERIES, describeSeries, type ChartSeries } from '../state/utilisation-summary';

const REFRESH_MS = 60_000;

/**
 * Utilisation over the last `hours` (GET /api/utilisation): cores busy and unavailable, jobs running
 * and waiting, as two uPlot charts. Series differ by dash as well as colour; each chart's text
 * alternative says the latest value and the peak. Refreshed once a minute, as samples are recorded.
 */
@customElement('oar-utilisation-chart')
export class OarUtilisationChart extends LitElement {
  static override styles = [
    unsafeCSS(uPlotCss),
    css`
      :host {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 18em), 1fr));
        gap: 0.4em 1em;
        min-height: 8em;
      }
      figure {
        margin: 0;
        display: flex;
        flex-direction: column;
        min-height: 0;
        min-width: 0;
      }
      figcaption {
        display: flex;
        flex-wrap: wrap;
        gap: 0 1em;
        font-size: 0.85em;
      }
      .plot {
        flex: 1;
        min-height: 5em;
        position: relative;
        overflow: hidden;
      }
      /* Out of the flow: the box's size comes from the layout, never from the chart drawn in it. */
      .plot > .uplot {
        position: absolute;
        inset: 0;
      }
      .key {
        white-space: nowrap;
      }
      svg {
        vertical-align: middle;
      }
      p {
        margin: 0;
        color: var(--muted);
      }
    `,
  ];

  @property({ type: Number }) hours = 24;
  @state() private columns?: UtilisationColumns;
  @state() private problem?: string;
  @queryAll('.plot') private plotBoxes!: NodeListOf<HTMLElement>;

  private readonly live = new LiveController(this);
  private plots: uPlot[] = [];
  private timer?: ReturnType<typeof setInterval>;
  private readonly resizeObserver = new ResizeObserver(() => this.fitPlots());

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => void this.load(), REFRESH_MS);
    // Back on the page (its charts were destroyed on leaving): fetch and draw again at once.
    if (this.hasUpdated) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
    this.resizeObserver.disconnect();
    for (const plot of this.plots) plot.destroy();
    this.plots = [];
  }

  /** Fetches the window again (also once a minute). */
  async load(): Promise<void> {
    const api = this.live.api;
    if (!api) return;
    try {
      this.columns = await api.utilisation.get(this.hours);
      this.problem = undefined;
    } catch (err) {
      this.problem = `Utilisation cannot be shown: ${(err as Error).message}.`;
    }
  }

  override render() {
    if (!this.columns) return html`<p role="status">${this.problem ?? 'Loading utilisation…'}</p>`;
    return html`${this.figure('Cores', CORE_SERIES)} ${this.figure('Jobs', JOB_SERIES)}
    ${this.problem ? html`<p role="status">${this.problem}</p>` : null}`;
  }

  private figure(title: string, series: ChartSeries[]) {
    return html`<figure>
      <figcaption>
        <strong>${title}, last ${this.hours} h</strong>
        ${series.map(
          (s) =>
            html`<span class="key"
              ><svg width="2em" height="0.8em" viewBox="0 0 32 10" aria-hidden="true">
                <line
                  x1="0"
                  y1="5"
                  x2="32"
                  y2="5"
                  stroke="var(${s.colorVar})"
                  stroke-width="3"
                  stroke-dasharray=${s.dash.join(' ') || 'none'}
                /></svg
              >${s.dash.length ? ' dashed: ' : ' solid: '}${s.label}</span
            >`,
        )}
      </figcaption>
      <div class="plot" role="img" aria-label=${describeSeries(this.columns!, series, this.hours)}></div>
    </figure>`;
  }

  protected override firstUpdated(): void {
    void this.load();
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('hours') && changed.get('hours') !== undefined) void this.load();
    if (changed.has('columns') && this.columns) this.draw(this.columns);
  }

  private draw(columns: UtilisationColumns): void {
    const boxes = [...this.plotBoxes];
    if (this.plots.length !== boxes.length || this.plots.some((plot, i) => plot.root.parentElement !== boxes[i])) {
      for (const plot of this.plots) plot.destroy();
      this.plots = [CORE_SERIES, JOB_SERIES].map((series, i) => this.makePlot(boxes[i], series, columns));
      this.resizeObserver.disconnect();
      for (const box of boxes) this.resizeObserver.observe(box);
      return;
    }
    [CORE_SERIES, JOB_SERIES].forEach((series, i) =>
      this.plots[i].setData([columns.at, ...series.map((s) => columns[s.name])]),
    );
  }

  private makePlot(box: HTMLElement, series: ChartSeries[], columns: UtilisationColumns): uPlot {
    const style = getComputedStyle(this);
    const color = (name: string) => style.getPropertyValue(name).trim() || '#888';
    const fontPx = Math.round(parseFloat(style.fontSize) * 0.8) || 12;
    const axis = {
      stroke: color('--fg'),
      font: `${fontPx}px system-ui, sans-serif`,
      grid: { stroke: color('--border-soft'), width: 1 },
      ticks: { stroke: color('--border-soft'), width: 1 },
    };
    return new uPlot(
      {
        width: Math.max(100, box.clientWidth),
        height: Math.max(60, box.clientHeight),
        legend: { show: false },
        cursor: { show: false },
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        // Room for two lines of time labels below and for "20,000" beside; ticks spaced for the font
        // (uPlot's defaults are for 12 px text: at 4K the labels would overlap).
        axes: [
          { ...axis, size: fontPx * 3.4, space: fontPx * 5 },
          {
            ...axis,
            space: fontPx * 2.2,
            size: (_u, values) => fontPx * (1.2 + 0.62 * Math.max(1, ...(values ?? []).map((v) => String(v).length))),
          },
        ],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: color(s.colorVar),
            width: Math.max(2, fontPx / 8),
            dash: s.dash,
            points: { show: false },
          })),
        ],
      },
      [columns.at, ...series.map((s) => columns[s.name])],
      box,
    );
  }

  private fitPlots(): void {
    const boxes = [...this.plotBoxes];
    this.plots.forEach((plot, i) => {
      const box = boxes[i];
      if (box) plot.setSize({ width: Math.max(100, box.clientWidth), height: Math.max(60, box.clientHeight) });
    });
  }
}
