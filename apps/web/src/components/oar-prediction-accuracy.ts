import { Task } from '@lit/task';
import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { humanDuration, type PredictionAccuracy } from '@oar-live/shared';
import { LiveController } from '../state/live-controller';

const signed = (seconds: number) =>
  `${seconds < 0 ? 'earlier by ' : seconds > 0 ? 'later by ' : ''}${humanDuration(Math.abs(seconds))}`;
const range = ({ from, to }: { from?: number; to?: number }) =>
  from === undefined ? `under ${to} s` : to === undefined ? `${from} s and over` : `${from} to ${to} s`;

/** How far OAR's predicted starts were from the real ones (GET /api/predictions): a few figures and a histogram. */
@customElement('oar-prediction-accuracy')
export class OarPredictionAccuracy extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-size: 0.9rem;
    }
    table {
      border-collapse: collapse;
    }
    td,
    th {
      padding: 0.1rem 0.5rem;
      text-align: left;
    }
    .bar {
      display: inline-block;
      height: 0.7rem;
      background: var(--accent);
    }
  `;

  /** Read again every minute: jobs start and predictions are recorded all the time. */
  @state() private minute = 0;
  private timer = 0;
  private readonly live = new LiveController(this);
  private readonly accuracy = new Task(this, {
    task: async ([api], { signal }) => api?.predictions(signal),
    args: () => [this.live.api, this.minute] as const,
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = window.setInterval(() => (this.minute += 1), 60_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  override render() {
    return html`<h2>How far OAR's predictions were</h2>
      ${this.accuracy.render({
        pending: () => html`<p>Reading…</p>`,
        error: (err) => html`<p>${(err as Error).message}</p>`,
        complete: (a) => (a ? this.figures(a) : null),
      })}`;
  }

  private figures(a: PredictionAccuracy) {
    if (a.samples === 0)
      return html`<p>No job has started since oar-live saw its predicted start (${a.pending} waiting with one).</p>`;
    const most = Math.max(...a.histogram.map((h) => h.count));
    return html`<p data-field="summary">
        ${a.samples} jobs: the median job started ${signed(a.medianSeconds!)} than first predicted; 9 in 10 within
        ${humanDuration(a.p90AbsSeconds!)}; ${Math.round(a.earlierShare! * 100)}% started over a minute early.
        ${a.pending} still waiting.
      </p>
      <table>
        <caption>
          Real start − first predicted start
        </caption>
        <tbody>
          ${a.histogram.map(
            (h) =>
              html`<tr>
                <th scope="row">${range(h)}</th>
                <td>${h.count}</td>
                <td><span class="bar" style="width:${(h.count / most) * 8}rem"></span></td>
              </tr>`,
          )}
        </tbody>
      </table>`;
  }
}
