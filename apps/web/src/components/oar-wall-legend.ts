import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { wallPanelStyles } from './wall-panel-styles';
import type { Legend } from '../state/wall-model';

/**
 * The wall's key to the job colours: the running jobs and users holding the most cores, each job with
 * its swatch AND its id and user in words (so no one depends on telling colours apart). Pointing at or
 * focusing a job fires `highlight` (detail: the job id, or undefined on leaving), for the grid to pick
 * out its cores.
 */
@customElement('oar-wall-legend')
export class OarWallLegend extends LitElement {
  static override styles = [
    wallPanelStyles,
    css`
      li {
        display: flex;
        align-items: center;
        gap: 0.4em;
      }
      button {
        all: unset;
        display: flex;
        align-items: center;
        gap: 0.4em;
        min-width: 0;
        cursor: default;
        border-radius: 3px;
      }
      button:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 1px;
      }
      .swatch {
        flex: none;
        width: 1em;
        height: 1em;
        border-radius: 2px;
        border: 1px solid var(--border);
      }
      .num {
        font-variant-numeric: tabular-nums;
        font-weight: 700;
      }
    `,
  ];

  @property({ attribute: false }) legend: Legend = { jobs: [], moreJobs: 0, users: [], moreUsers: 0 };

  override render() {
    const { jobs, moreJobs, users, moreUsers } = this.legend;
    return html`<h2 id="jobs-heading">Running jobs</h2>
      ${jobs.length === 0 ? html`<p class="none">No job is running.</p>` : null}
      <ul aria-labelledby="jobs-heading">
        ${jobs.map(
          (job) =>
            html`<li>
              <button
                type="button"
                data-job=${job.id}
                aria-label=${`Job ${job.id}, ${job.user}, ${job.cores} cores: show its cores on the grid`}
                @pointerenter=${() => this.highlight(job.id)}
                @pointerleave=${() => this.highlight(undefined)}
                @focus=${() => this.highlight(job.id)}
                @blur=${() => this.highlight(undefined)}
              >
                <span class="swatch" style="background:${job.color}"></span>
                <span><span class="num">${job.id}</span> ${job.user} · ${job.cores} cores</span>
              </button>
            </li>`,
        )}
        ${moreJobs ? html`<li class="more">and ${moreJobs} more</li>` : null}
      </ul>
      <h2 id="users-heading">Users</h2>
      <ul aria-labelledby="users-heading">
        ${users.map(
          (user) =>
            html`<li>
              <span
                >${user.user}: <span class="num">${user.cores}</span> cores, ${user.jobs}
                ${user.jobs === 1 ? 'job' : 'jobs'}</span
              >
            </li>`,
        )}
        ${moreUsers ? html`<li class="more">and ${moreUsers} more</li>` : null}
      </ul>`;
  }

  private highlight(jobId: number | undefined): void {
    this.dispatchEvent(
      new CustomEvent<number | undefined>('highlight', { detail: jobId, bubbles: true, composed: true }),
    );
  }
}
