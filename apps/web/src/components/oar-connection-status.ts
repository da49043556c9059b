import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LiveController } from '../state/live-controller';
import { TickController } from './tick-controller';

/** Always-visible connection pill: live (slowed to spare OAR), reconnecting, or OAR down — with how old the data is. */
@customElement('oar-connection-status')
export class OarConnectionStatus extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
    }
    span {
      padding: 0.2rem 0.6rem;
      border-radius: 999px;
      font-size: 0.85em;
      font-weight: 600;
      border: 2px solid currentColor;
    }
    .ok {
      color: var(--state-alive);
    }
    .warn {
      color: var(--state-suspected);
    }
    .bad {
      color: var(--state-dead);
    }
  `;

  /** Leave out the data's age (the wall tells it in its stale banner, and its header has no room). */
  @property({ type: Boolean }) brief = false;

  private readonly live = new LiveController(this);
  protected readonly tick = new TickController(this);

  override render() {
    const store = this.live.store;
    if (!store) return null;
    const age = store.staleSeconds();
    const { status: source, slowed } = store.snapshot?.source ?? {};
    let text = '● Live';
    let tone = 'ok';
    if (store.connection !== 'connected') {
      text = store.connection === 'connecting' && !store.snapshot ? '◌ Connecting…' : '◌ Reconnecting…';
      tone = 'bad';
    } else if (source === 'down') {
      text = '✕ OAR unreachable';
      tone = 'bad';
    } else if (source === 'degraded') {
      text = '▲ OAR degraded';
      tone = 'warn';
    } else if (slowed) {
      text = '● Live, slowed';
      tone = 'warn';
    }
    return html`<span class=${tone} role="status" title=${store.connectionError ?? slowed ?? ''}
      >${text}${age !== undefined && !this.brief ? ` · data ${age} s old` : ''}</span
    >`;
  }
}
