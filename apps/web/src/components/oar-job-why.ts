import { Task } from '@lit/task';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LiveController } from '../state/live-controller';

/**
 * Why a job is waiting, as `GET /api/jobs/:id/why` explains it: one sentence per reason. Asked again
 * whenever the job's state or predicted start changes (`revision`), so it follows the live stream.
 */
@customElement('oar-job-why')
export class OarJobWhy extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    ul {
      margin: 0;
      padding-left: 1.1rem;
    }
    li[data-kind='never'] {
      font-weight: 700;
      color: var(--danger, var(--fg));
    }
    .muted {
      color: var(--muted);
    }
  `;

  @property({ type: Number }) jobId?: number;
  /** Anything that changes the answer (state, predicted start): a new value asks again. */
  @property() revision = '';
  private readonly live = new LiveController(this);

  private readonly why = new Task(this, {
    task: async ([id], { signal }) =>
      id === undefined || !this.live.api ? undefined : this.live.api.jobs.why(id, signal),
    args: () => [this.jobId, this.revision, this.live.api] as const,
  });

  override render() {
    return this.why.render({
      pending: () => html`<span class="muted">reading OAR's plan…</span>`,
      error: (err) => html`<span class="muted">${(err as Error).message}</span>`,
      complete: (why) =>
        why
          ? html`<ul aria-label="Why job ${why.jobId} is waiting">
              ${why.reasons.map((r) => html`<li data-kind=${r.kind}>${r.text}</li>`)}
            </ul>`
          : null,
    });
  }
}
