import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Operation, OperationState } from '@oar-live/shared';

const STATE_ICON: Record<OperationState, string> = {
  queued: '◌',
  active: '◔',
  retrying: '↻',
  succeeded: '✓',
  failed: '✕',
};

/** Targets named in the status line; the rest are counted. */
const TARGETS_NAMED = 10;
const targetList = (targets: readonly string[]) =>
  targets.length <= TARGETS_NAMED
    ? targets.join(', ')
    : `${targets.slice(0, TARGETS_NAMED).join(', ')} and ${targets.length - TARGETS_NAMED} more`;

/** Progress of one operation (queued → active → succeeded/failed): a plain error sentence, OAR's own text under Details. */
@customElement('oar-operation-status')
export class OarOperationStatus extends LitElement {
  static override styles = css`
    :host {
      display: block;
      border-left: 4px solid var(--border);
      padding: 0.3rem 0.6rem;
      margin: 0.4rem 0;
      background: var(--surface);
    }
    :host([state='succeeded']) {
      border-left-color: var(--ok);
    }
    :host([state='failed']) {
      border-left-color: var(--danger);
    }
    .error {
      color: var(--danger);
      font-weight: 600;
      white-space: pre-wrap;
    }
    ul {
      margin: 0.2rem 0 0;
      padding-left: 1.2rem;
    }
  `;

  @property({ attribute: false }) operation?: Operation;
  @property({ reflect: true }) state?: string;

  override willUpdate(): void {
    this.state = this.operation?.state;
  }

  override render() {
    const op = this.operation;
    if (!op) return null;
    const jobId =
      (op.result as { id?: number; jobId?: number } | undefined)?.jobId ?? (op.result as { id?: number })?.id;
    return html`<div role="status">
      <strong>${STATE_ICON[op.state] ?? ''} ${op.kind}</strong> ${op.state}
      ${op.attempts > 1 ? html`(attempt ${op.attempts})` : null} ${jobId !== undefined ? html`→ job ${jobId}` : null}
      <span class="muted">· ${targetList(op.targets)}</span>
      ${
        op.progress
          ? html`<span data-field="progress"
              >· ${op.progress.done} of ${op.progress.total}
              done${op.progress.failed ? `, ${op.progress.failed} failed` : ''}</span
            >`
          : null
      }
      ${
        op.error
          ? html`<div class="error" role="alert">${op.error.message}</div>
              ${
                op.error.detail
                  ? html`<details>
                      <summary>Details</summary>
                      <pre>${op.error.detail}</pre>
                    </details>`
                  : null
              }`
          : null
      }
      ${
        op.results?.some((r) => !r.ok)
          ? html`<ul>
              ${op.results.map(
                (r) =>
                  html`<li>
                    ${r.target}: ${r.ok ? '✓ done' : html`<span class="error">✕ ${r.error?.message}</span>`}
                  </li>`,
              )}
            </ul>`
          : null
      }
    </div>`;
  }
}
