import { LitElement, css, html } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { Job } from '@oar-live/oar-client';
import { LiveController } from '../state/live-controller';
import { jobActionImpact } from '../state/action-impact';
import type { JobActionDetail, OarJobTable } from './oar-job-table';
import type { OarConfirmDialog } from './oar-confirm-dialog';
import './oar-job-table';
import './oar-job-detail';
import './oar-submit-form';
import './oar-confirm-dialog';
import { OperationTracker } from './operation-tracker';

/** `/jobs`: the job table (live and recently finished jobs), detail panel, bulk actions, submit form. */
@customElement('oar-jobs-page')
export class OarJobsPage extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      gap: 1rem;
    }
    .layout {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: 1rem;
    }
    @media (min-width: 1200px) {
      .layout.with-detail {
        grid-template-columns: minmax(0, 2fr) minmax(20rem, 1fr);
      }
    }
    h1,
    h2 {
      margin: 0 0 0.4rem;
      font-size: 1.25rem;
    }
    details {
      border: 1px solid var(--border-soft);
      border-radius: 6px;
      padding: 0.5rem 0.75rem;
    }
    summary {
      cursor: pointer;
      font-weight: 700;
    }
    .error {
      color: var(--danger);
      font-weight: 600;
    }
  `;

  private readonly live = new LiveController(this);
  private readonly tracker = new OperationTracker(this, this.live);
  @state() private openId?: number;
  @query('oar-confirm-dialog') private confirm!: OarConfirmDialog;
  @query('oar-job-table') private table!: OarJobTable;

  override render() {
    const store = this.live.store;
    const session = this.live.session;
    const live = store?.snapshot?.jobs ?? [];
    const liveIds = new Set(live.map((j) => j.id));
    const jobs: Job[] = live.concat((store?.finishedJobs ?? []).filter((j) => !liveIds.has(j.id)));
    const open = jobs.find((j) => j.id === this.openId);
    const canSubmit = session?.can('user') ?? false;
    return html`<h1>Jobs</h1>
      ${
        canSubmit
          ? html`<details>
              <summary>Submit a job</summary>
              <oar-submit-form></oar-submit-form>
            </details>`
          : html`<p>Sign in as a user to submit and manage jobs.</p>`
      }
      ${this.tracker.render()}
      <div class="layout ${open ? 'with-detail' : ''}">
        <oar-job-table
          url-state
          .jobs=${jobs}
          ?canAct=${canSubmit}
          .actor=${session?.actor ?? null}
          .currentId=${this.openId}
          @job-open=${(e: CustomEvent<Job>) => (this.openId = e.detail.id)}
          @job-action=${this.onAction}
        ></oar-job-table>
        ${open ? html`<oar-job-detail .job=${open} @close=${this.onClose}></oar-job-detail>` : null}
      </div>
      <oar-confirm-dialog></oar-confirm-dialog>`;
  }

  /** Back to the row the panel was opened from: where the user's work continues. */
  private async onClose() {
    const id = this.openId;
    this.openId = undefined;
    await this.updateComplete;
    if (id !== undefined) this.table.focusRow(id);
  }

  /** Confirmed with its impact, sent for the allowed jobs only; the selection is then cleared. */
  private async onAction(event: CustomEvent<JobActionDetail>) {
    const { action, ids, skipped } = event.detail;
    const impact = jobActionImpact(action, ids, skipped, this.table.jobs);
    if (!(await this.confirm.ask(impact.question, impact.confirmLabel, impact.items))) return;
    this.table.clearSelection();
    await this.tracker.send((api) => api.jobs.act({ action, ids }));
  }
}
