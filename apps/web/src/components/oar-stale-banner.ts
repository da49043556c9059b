import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LiveController } from '../state/live-controller';
import { TickController } from './tick-controller';

/**
 * A loud banner while the data may be out of date (socket or OAR down), ticking every second; a
 * quiet one while oar-live reads OAR less often than configured to spare it (`source.slowed`, a
 * sentence saying how often it reads): the data is current, but changes show up later.
 */
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
    .slowed {
      background: none;
      color: inherit;
      font-weight: 600;
      font-size: 1em;
      border-bottom: 2px solid var(--state-suspected);
    }
  `;

  private readonly live = new LiveController(this);
  protected readonly tick = new TickController(this);

  override render() {
    const store = this.live.store;
    const source = store?.snapshot?.source;
    if (!store?.stale) return source?.slowed ? html`<div class="slowed" role="status">▲ ${source.slowed}</div>` : null;
    const age = store.staleSeconds();
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
