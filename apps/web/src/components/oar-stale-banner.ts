import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LiveController } from '../state/live-controller';
import { TickController } from './tick-controller';

/** A loud banner while the data may be out of date (socket or OAR down), ticking every second. */
@customElement('oar-stale-banner')
export class OarStaleBanner extends LitElement {
  static override styles = css`
    div {
      background: var(--banner-bg);
      color: var(--banner-fg);
      font-weight: 700;
      font-size: 1.2em;
      padding: 0.4em 0.8em;
      text-align: center;
      border-bottom: 3px solid var(--banner-fg);
    }
  `;

  private readonly live = new LiveController(this);
  protected readonly tick = new TickController(this);

  override render() {
    const store = this.live.store;
    if (!store?.stale) return null;
    const age = store.staleSeconds();
    const source = store.snapshot?.source;
    const why =
      store.connection !== 'connected'
        ? 'Connection to oar-live lost — reconnecting'
        : (source?.error ?? 'OAR could not be read').replace(/\.$/, '');
    // The raw error (network error, OAR's answer) only as a tooltip: the wall shows the sentence.
    return html`<div role="alert" title=${(store.connection === 'connected' && source?.detail) || ''}>
      ⚠ ${why}. ${age !== undefined ? `Data is ${age} s old.` : 'No data yet.'}
    </div>`;
  }
}
