import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { wallPanelStyles } from './wall-panel-styles';

export interface TickerLine {
  /** ISO time of the batch the event came in. */
  at: string;
  text: string;
}

/** The wall's latest events in plain words, newest first. */
@customElement('oar-wall-ticker')
export class OarWallTicker extends LitElement {
  static override styles = [
    wallPanelStyles,
    css`
      time {
        color: var(--muted);
        font-variant-numeric: tabular-nums;
        margin-right: 0.4em;
      }
    `,
  ];

  @property({ attribute: false }) lines: readonly TickerLine[] = [];

  override render() {
    return html`<h2 id="ticker-heading">Latest</h2>
      ${this.lines.length === 0 ? html`<p class="none">Nothing has happened since this screen opened.</p>` : null}
      <ol aria-labelledby="ticker-heading">
        ${this.lines.map(
          (line) =>
            html`<li>
              <time datetime=${line.at}
                >${new Date(line.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time
              >${line.text}
            </li>`,
        )}
      </ol>`;
  }
}
