import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { RUNNING_STATES, WAITING_STATES, summarize } from '@oar-live/shared';
import { LiveController } from '../state/live-controller';
import './oar-summary';
import './oar-node-grid';
import './oar-job-list';
import './oar-state-legend';
import './oar-utilisation-chart';

/** `/`: summary, node grid, running and waiting jobs. */
@customElement('oar-dashboard-page')
export class OarDashboardPage extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      gap: 1rem;
    }
    .jobs {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr));
      gap: 1rem;
    }
    h2 {
      font-size: 1rem;
      margin: 0 0 0.4rem;
    }
    oar-utilisation-chart {
      height: 14rem;
    }
  `;

  private readonly live = new LiveController(this);

  override render() {
    const snapshot = this.live.store?.snapshot;
    if (!snapshot) return html`<p>Waiting for the cluster…</p>`;
    const summary = summarize(snapshot.nodes, snapshot.jobs);
    return html`<oar-summary .summary=${summary}></oar-summary>
      <section aria-label="Node grid">
        <h2>Nodes</h2>
        <oar-state-legend></oar-state-legend>
        <oar-node-grid .nodes=${snapshot.nodes} .tileSize=${tileSizeFor(snapshot.nodes.length)} flash></oar-node-grid>
      </section>
      <section aria-label="Utilisation over time">
        <h2>Utilisation</h2>
        <oar-utilisation-chart hours="24"></oar-utilisation-chart>
      </section>
      <div class="jobs">
        <oar-job-list
          heading="Running"
          .jobs=${snapshot.jobs.filter((j) => RUNNING_STATES.has(j.state))}
        ></oar-job-list>
        <oar-job-list
          heading="Waiting"
          .jobs=${snapshot.jobs.filter((j) => WAITING_STATES.has(j.state))}
        ></oar-job-list>
      </div>`;
  }
}

/** Smaller tiles for big clusters: keeps the page short and the canvas within browser size limits. */
function tileSizeFor(nodes: number): number {
  return nodes > 2000 ? 20 : nodes > 500 ? 32 : nodes > 64 ? 64 : 96;
}
