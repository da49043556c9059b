import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { RUNNING_STATES, WAITING_STATES, summarize } from '@oar-live/shared';
import { LiveController } from '../state/live-controller';
import { applyTheme } from '../state/theme';
import './oar-node-grid';
import './oar-stale-banner';
import './oar-connection-status';
import { TickController } from './tick-controller';

/**
 * `/wall`: the kiosk display. No controls; large type sized from the viewport (readable at 1080p
 * and 4K); every node on one canvas that fits the screen; changed tiles flash. Dark by default,
 * `?theme=contrast` for high contrast.
 */
@customElement('oar-wall')
export class OarWall extends LitElement {
  static override styles = css`
    :host {
      position: fixed;
      inset: 0;
      display: flex;
      flex-direction: column;
      background: var(--bg);
      color: var(--fg);
      font-size: clamp(14px, 1.35vw, 64px);
      overflow: hidden;
    }
    header {
      display: flex;
      gap: 0.4em 1.4em;
      align-items: baseline;
      padding: 0.4em 0.8em;
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
      white-space: nowrap;
      font-size: 1.6em;
      font-variant-numeric: tabular-nums;
    }
    oar-node-grid {
      flex: 1;
      margin: 0 0.8em 0.8em;
      min-height: 0;
    }
    oar-stale-banner {
      font-size: 1.4em;
    }
  `;

  private readonly live = new LiveController(this);
  protected readonly tick = new TickController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    applyTheme(new URLSearchParams(location.search).get('theme') ?? 'dark');
  }

  override render() {
    const snapshot = this.live.store?.snapshot;
    const nodes = snapshot?.nodes ?? [];
    const jobs = snapshot?.jobs ?? [];
    const s = summarize(nodes, jobs);
    const count = (states: Set<string>) => jobs.filter((j) => states.has(j.state)).length;
    const stat = (value: number | string, label: string) =>
      html`<div class="stat"><span class="value">${value}</span><span class="label">${label}</span></div>`;
    return html`<oar-stale-banner></oar-stale-banner>
      <header>
        ${stat(`${s.nodesByState.Alive ?? 0}/${nodes.length}`, 'nodes alive')}
        ${stat(`${s.cores.busy}/${s.cores.total}`, 'cores busy')} ${stat(count(RUNNING_STATES), 'jobs running')}
        ${stat(count(WAITING_STATES), 'jobs waiting')}
        ${stat(nodes.length - (s.nodesByState.Alive ?? 0), 'nodes not alive')}
        <oar-connection-status></oar-connection-status>
        <time class="clock">${new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
      </header>
      <oar-node-grid .nodes=${nodes} fit flash></oar-node-grid>`;
  }
}
