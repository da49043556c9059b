import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LiveController } from '../state/live-controller';
import { propertyNames } from '../state/node-properties';
import { tableStyles } from './table-styles';
import './oar-gantt';
import './oar-prediction-accuracy';

/** Resource fields every OAR resource has, offered as groupings besides the node and the site's properties. */
const RESOURCE_GROUPINGS = ['cpu', 'host', 'type'];

/** /gantt: the live Gantt with its grouping, a legend, and how far OAR's predictions were. */
@customElement('oar-gantt-page')
export class OarGanttPage extends LitElement {
  static override styles = [
    tableStyles,
    css`
      :host {
        display: grid;
        gap: 0.75rem;
      }
      h1 {
        margin: 0;
        font-size: 1.3rem;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1.25rem;
        align-items: center;
      }
      oar-gantt {
        height: 65vh;
        border: 1px solid var(--border);
      }
      .legend span::before {
        content: '';
        display: inline-block;
        width: 1.2rem;
        height: 0.8rem;
        margin-right: 0.3rem;
        vertical-align: middle;
        background: var(--accent);
      }
      .legend .finished::before {
        opacity: 0.45;
      }
      .legend .planned::before {
        opacity: 0.3;
        outline: 1px dashed var(--accent);
      }
      .legend .reservation::before {
        opacity: 0.3;
        outline: 2px solid var(--accent);
      }
      .legend .now::before {
        width: 2px;
        background: var(--state-dead);
      }
    `,
  ];

  @state() private groupBy = 'node';
  private readonly live = new LiveController(this);

  override render() {
    const properties = new Set([...propertyNames(this.live.store?.snapshot?.nodes ?? []), ...RESOURCE_GROUPINGS]);
    return html`<div class="bar">
        <h1>Gantt</h1>
        <label
          >Group by
          <select
            @change=${(e: Event) => (this.groupBy = (e.target as HTMLSelectElement).value)}
            .value=${this.groupBy}
          >
            <option value="node">node</option>
            ${[...properties].map((p) => html`<option value=${p}>${p}</option>`)}
          </select></label
        >
        <span class="legend">
          <span class="running">running (to its walltime)</span>
          <span class="finished">finished</span>
          <span class="planned">waiting, at OAR's predicted place and time</span>
          <span class="reservation">reservation</span>
          <span class="now">now</span>
        </span>
      </div>
      <oar-gantt .groupBy=${this.groupBy}></oar-gantt>
      <oar-prediction-accuracy></oar-prediction-accuracy>`;
  }
}
