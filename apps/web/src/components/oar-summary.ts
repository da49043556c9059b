import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ClusterSummary } from '@oar-live/shared';
import { stateStyle } from '../state/node-style';

/** Cluster counts: nodes by state, cores busy/free, jobs by state and by queue. */
@customElement('oar-summary')
export class OarSummary extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
      gap: 0.75rem;
    }
    section {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: 6px;
      padding: 0.6rem 0.8rem;
    }
    h2 {
      font-size: 0.8em;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      color: var(--muted);
      margin: 0 0 0.3rem;
    }
    dl {
      display: grid;
      grid-template-columns: 1fr auto;
      gap: 0.1rem 0.8rem;
      margin: 0;
    }
    dt {
      color: var(--fg);
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
      font-weight: 600;
      text-align: right;
    }
    .icon {
      display: inline-block;
      width: 1.2em;
    }
  `;

  @property({ attribute: false }) summary?: ClusterSummary;

  override render() {
    const s = this.summary;
    if (!s) return html`<p>Waiting for data…</p>`;
    return html`
      <section aria-label="Nodes by state">
        <h2>Nodes</h2>
        <dl>
          ${Object.entries(s.nodesByState).map(([state, count]) => {
            const style = stateStyle(state);
            return html`<dt>
                <span class="icon" style="color: var(${style.colorVar})" aria-hidden="true">${style.icon}</span>${state}
              </dt>
              <dd>${count}</dd>`;
          })}
        </dl>
      </section>
      <section aria-label="Cores">
        <h2>Cores</h2>
        <dl>
          <dt>Busy</dt>
          <dd>${s.cores.busy}</dd>
          <dt title="Idle now, planned for a waiting job">Planned</dt>
          <dd>${s.cores.planned}</dd>
          <dt>Free</dt>
          <dd>${s.cores.free}</dd>
          <dt>Unavailable</dt>
          <dd>${s.cores.unavailable}</dd>
          <dt>Total</dt>
          <dd>${s.cores.total}</dd>
        </dl>
      </section>
      ${this.counts('Jobs by state', s.jobsByState)} ${this.counts('Jobs by queue', s.jobsByQueue)}
    `;
  }

  private counts(title: string, counts: Record<string, number>) {
    const entries = Object.entries(counts);
    return html`<section aria-label=${title}>
      <h2>${title}</h2>
      ${
        entries.length
          ? html`<dl>
              ${entries.map(
                ([key, count]) =>
                  html`<dt>${key}</dt>
                    <dd>${count}</dd>`,
              )}
            </dl>`
          : html`<p>None</p>`
      }
    </section>`;
  }
}
