import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { NODE_STATE_STYLES } from '../state/node-style';

/** Key to the grid: each node state's colour and icon, plus the free/unavailable core colours. */
@customElement('oar-state-legend')
export class OarStateLegend extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1rem;
      margin-bottom: 0.5rem;
      font-size: 0.9em;
    }
    .core {
      display: inline-block;
      width: 0.8em;
      height: 0.8em;
      vertical-align: -0.05em;
      border: 1px solid var(--border);
    }
  `;

  override render() {
    return html`${NODE_STATE_STYLES.map(
        (s) =>
          html`<span><span style="color: var(${s.colorVar})" aria-hidden="true">${s.icon}</span> ${s.label}</span>`,
      )}
      <span><span class="core" style="background: var(--core-free)"></span> free core</span>
      <span><span class="core" style="background: var(--core-off)"></span> unavailable core</span>
      <span>coloured core = a job</span>`;
  }
}
