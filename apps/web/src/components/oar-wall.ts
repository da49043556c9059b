import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Node } from '@oar-live/oar-client';
import { RUNNING_STATES, summarize } from '@oar-live/shared';
import { LiveController } from '../state/live-controller';
import { applyTheme } from '../state/theme';
import { formatWait, queueSummary, runningLegend, tickerLine } from '../state/wall-model';
import { groupByProperty, NO_VALUE, type NodeGroup } from '../state/node-properties';
import './oar-node-grid';
import './oar-stale-banner';
import './oar-connection-status';
import './oar-state-legend';
import './oar-utilisation-chart';
import './oar-wall-legend';
import './oar-wall-ticker';
import type { TickerLine } from './oar-wall-ticker';
import { TickController } from './tick-controller';

/** Jobs and users in the legend (what fits beside the grid at 16:9); lines in the ticker; feed entries read back to find them. */
const LEGEND_JOBS = 8;
const LEGEND_USERS = 4;
const TICKER_ROWS = 8;
const TICKER_SCAN = 400;

/**
 * `/wall`: the kiosk display, read from across a room (type sized from the viewport, 1080p to 4K).
 * No controls: the counts and the queue on top, every node on canvases that fill the rest of the
 * screen (grouped by a node property with `?group=<property>`), and beside them the running jobs and
 * users in the grid's colours, the latest events in words, and utilisation over the last 24 hours.
 * Dark by default, `?theme=contrast` for high contrast.
 */
@customElement('oar-wall')
export class OarWall extends LitElement {
  static override styles = css`
    :host {
      position: fixed;
      inset: 0;
      display: grid;
      grid-template-columns: minmax(0, 1fr) 17em;
      grid-template-rows: auto auto minmax(0, 1fr) 9em;
      grid-template-areas: 'banner banner' 'header header' 'nodes side' 'chart side';
      gap: 0 0.8em;
      background: var(--bg);
      color: var(--fg);
      font-size: clamp(14px, 1.3vw, 64px);
      overflow: hidden;
    }
    oar-stale-banner {
      grid-area: banner;
      font-size: 1.3em;
    }
    header {
      grid-area: header;
      display: flex;
      flex-wrap: nowrap;
      gap: 1.2em;
      align-items: baseline;
      padding: 0.3em 0.8em;
      white-space: nowrap;
      min-width: 0;
    }
    .stat {
      display: flex;
      flex-direction: column;
    }
    .value {
      font-size: 2em;
      font-weight: 800;
      font-variant-numeric: tabular-nums;
      line-height: 1.1;
    }
    .label {
      font-size: 0.8em;
      color: var(--muted);
      text-transform: uppercase;
      letter-spacing: 0.06em;
    }
    oar-connection-status {
      margin-left: auto;
      align-self: center;
    }
    .clock {
      font-size: 1.6em;
      font-variant-numeric: tabular-nums;
    }
    .nodes {
      grid-area: nodes;
      display: flex;
      flex-direction: column;
      gap: 0.3em;
      min-height: 0;
      padding-left: 0.8em;
    }
    .group {
      display: flex;
      flex-direction: column;
      min-height: 0;
      flex-basis: 0;
    }
    .group h2 {
      font-size: 1em;
      margin: 0 0 0.15em;
    }
    oar-node-grid {
      flex: 1;
      min-height: 0;
    }
    aside {
      grid-area: side;
      display: flex;
      flex-direction: column;
      min-height: 0;
      padding-right: 0.8em;
      overflow: hidden;
    }
    oar-state-legend {
      font-size: 0.85em;
    }
    oar-wall-legend {
      flex: none;
    }
    oar-wall-ticker {
      flex: 1 1 0;
    }
    oar-utilisation-chart {
      grid-area: chart;
      padding: 0.3em 0 0.5em 0.8em;
      font-size: 0.9em;
    }
  `;

  /** The job the legend points at, picked out on the grid. */
  @state() private highlightJob?: number;
  private readonly group = new URLSearchParams(location.search).get('group') ?? undefined;
  private readonly live = new LiveController(this);
  protected readonly tick = new TickController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    applyTheme(new URLSearchParams(location.search).get('theme') ?? 'dark');
  }

  override render() {
    const store = this.live.store;
    const nodes = store?.snapshot?.nodes ?? [];
    const jobs = store?.snapshot?.jobs ?? [];
    const s = summarize(nodes, jobs);
    const queue = queueSummary(jobs, Date.now());
    const stat = (value: number | string, label: string) =>
      html`<div class="stat"><span class="value">${value}</span><span class="label">${label}</span></div>`;
    return html`<oar-stale-banner></oar-stale-banner>
      <header>
        ${stat(`${s.nodesByState.Alive ?? 0}/${nodes.length}`, 'nodes alive')}
        ${stat(`${s.cores.busy}/${s.cores.total}`, 'cores busy')}
        ${stat(jobs.filter((j) => RUNNING_STATES.has(j.state)).length, 'jobs running')}
        ${stat(queue.waiting, 'jobs waiting')}
        ${stat(queue.oldest ? formatWait(queue.oldest.seconds) : '—', 'longest wait')}
        <oar-connection-status brief></oar-connection-status>
        <time class="clock">${new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
      </header>
      <div class="nodes">
        ${this.group ? groupByProperty(nodes, this.group).map((g) => this.groupView(g)) : this.grid(nodes)}
      </div>
      <aside @highlight=${(e: CustomEvent<number | undefined>) => (this.highlightJob = e.detail ?? undefined)}>
        <oar-state-legend></oar-state-legend>
        <oar-wall-legend .legend=${runningLegend(jobs, LEGEND_JOBS, LEGEND_USERS)}></oar-wall-legend>
        <oar-wall-ticker .lines=${this.tickerLines()}></oar-wall-ticker>
      </aside>
      <oar-utilisation-chart hours="24"></oar-utilisation-chart>`;
  }

  private grid(nodes: readonly Node[]) {
    return html`<oar-node-grid .nodes=${nodes} .highlightJob=${this.highlightJob} fit flash></oar-node-grid>`;
  }

  private groupView(group: NodeGroup) {
    const title = group.value === NO_VALUE ? `No ${this.group}` : `${this.group} ${group.value}`;
    return html`<section class="group" style="flex-grow:${group.nodes.length}" aria-label=${title}>
      <h2>${title} · ${group.nodes.length} ${group.nodes.length === 1 ? 'node' : 'nodes'}</h2>
      ${this.grid(group.nodes)}
    </section>`;
  }

  private tickerLines(): TickerLine[] {
    const feed = this.live.store?.feed ?? [];
    const lines: TickerLine[] = [];
    for (let i = feed.length - 1; i >= Math.max(0, feed.length - TICKER_SCAN) && lines.length < TICKER_ROWS; i--) {
      const text = tickerLine(feed[i].event);
      if (text) lines.push({ at: feed[i].at, text });
    }
    return lines;
  }
}
