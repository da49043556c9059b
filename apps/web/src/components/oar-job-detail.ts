import { Task } from '@lit/task';
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Job } from '@oar-live/oar-client';
import { LiveController } from '../state/live-controller';
import { formatDuration } from '../state/job-request';
import { commandOf } from '../state/job-text';
import { fieldListStyles, tableStyles } from './table-styles';
import { jobHref, joined, nodeLink, userLink } from './links';
import './oar-job-why';

/**
 * A job's detail panel: the live fields from the store, completed by GET /api/jobs/:id (which
 * carries OAR's event list) through @lit/task. It takes the focus when it opens (or shows another
 * job), so keyboard and screen-reader users land in it; Esc closes it.
 */
@customElement('oar-job-detail')
export class OarJobDetail extends LitElement {
  static override styles = [
    tableStyles,
    fieldListStyles,
    css`
      :host {
        display: block;
        border: 1px solid var(--border);
        border-radius: 6px;
        padding: 0.75rem 1rem;
        background: var(--surface);
      }
      h2 {
        margin: 0 0 0.5rem;
        font-size: 1.1rem;
        display: flex;
        justify-content: space-between;
      }
    `,
  ];

  @property({ attribute: false }) job?: Job;
  /** The uploaded script, once its owner (or an admin) asked to see it; or why it cannot be shown. */
  @state() private script?: { jobId: number; text?: string; error?: string };
  private readonly live = new LiveController(this);

  private readonly details = new Task(this, {
    task: async ([id], { signal }) =>
      id === undefined || !this.live.api ? undefined : this.live.api.jobs.get(id, signal),
    args: () => [this.job?.id, this.job?.state] as const,
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('role', 'region');
    this.tabIndex = -1;
    this.addEventListener('keydown', this.onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKey);
  }

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('job') && this.job?.id !== (changed.get('job') as Job | undefined)?.id) {
      this.setAttribute('aria-label', `Job ${this.job?.id} details`);
      this.focus();
    }
  }

  private readonly onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.close();
    }
  };

  override render() {
    if (!this.job) return null;
    const job = { ...this.details.value, ...this.job, events: this.details.value?.events ?? this.job.events };
    return html`<h2>
        <span>Job ${job.id}${job.name ? ` · ${job.name}` : ''}</span>
        <a href=${jobHref(job.id)}>Open the job's page</a>
        <button @click=${this.close} aria-label="Close details">✕</button>
      </h2>
      <dl>
        <dt>State</dt>
        <dd data-field="state">${job.state}</dd>
        <dt>User / queue</dt>
        <dd>${userLink(job.user)} / ${job.queue}</dd>
        <dt>Command</dt>
        <dd data-field="command">
          <pre>${commandOf(job)}</pre>
          ${this.scriptView(job)}
        </dd>
        <dt>Resources</dt>
        <dd>${job.wantedResources ?? ''} ${job.resourceIds.length ? `(ids ${job.resourceIds.join(', ')})` : ''}</dd>
        <dt>Nodes</dt>
        <dd>${job.nodes.length ? joined(job.nodes, (n) => nodeLink(n)) : '—'}</dd>
        ${
          job.plannedNodes?.length
            ? html`<dt>Planned on</dt>
                <dd data-field="planned">
                  ${joined(job.plannedNodes, (n) => nodeLink(n))} (not
                  started${
                    job.scheduledStart
                      ? `; OAR plans to start it at ${new Date(job.scheduledStart).toLocaleString()}`
                      : ''
                  })
                </dd>`
            : null
        }
        ${
          job.state === 'Waiting' || job.state === 'Hold'
            ? html`<dt>Why waiting</dt>
                <dd data-field="why">
                  <oar-job-why
                    .jobId=${job.id}
                    revision=${`${job.state} ${job.scheduledStart ?? ''} ${job.message ?? ''}`}
                  ></oar-job-why>
                </dd>`
            : null
        }
        <dt>Walltime</dt>
        <dd>${formatDuration(job.walltime)}</dd>
        <dt>Submitted / started / stopped</dt>
        <dd>
          ${[job.submittedAt, job.startedAt, job.stoppedAt].map((t) => (t ? new Date(t).toLocaleString() : '—')).join(' / ')}
        </dd>
        <dt>Exit code</dt>
        <dd data-field="exit-code">${job.exitCode ?? '—'}</dd>
        <dt>Message</dt>
        <dd>${job.message || '—'}</dd>
        <dt>Events</dt>
        <dd>
          ${this.details.render({
            pending: () => html`<span class="muted">loading…</span>`,
            error: (err) => html`<span class="error">${(err as Error).message}</span>`,
            complete: () =>
              job.events?.length
                ? html`<ul>
                    ${job.events.map((e) => html`<li>${e.date} ${e.type}: ${e.description}</li>`)}
                  </ul>`
                : '—',
          })}
        </dd>
      </dl>`;
  }

  private scriptView(job: Job) {
    if (!job.scriptName || !this.live.session?.can('user')) return null;
    const shown = this.script?.jobId === job.id ? this.script : undefined;
    if (shown?.text !== undefined) return html`<pre data-field="script">${shown.text}</pre>`;
    return html`<button @click=${() => this.loadScript(job.id)}>Show script</button>
      ${shown?.error ? html`<span class="error">${shown.error}</span>` : null}`;
  }

  private async loadScript(jobId: number) {
    try {
      const { text } = await this.live.api!.jobs.script(jobId);
      this.script = { jobId, text };
    } catch (err) {
      this.script = { jobId, error: (err as Error).message };
    }
  }

  private close() {
    this.dispatchEvent(new CustomEvent('close', { bubbles: true, composed: true }));
  }
}
