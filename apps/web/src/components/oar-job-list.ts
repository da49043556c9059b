import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Job } from '@oar-live/oar-client';
import { commandOf } from '../state/job-text';
import { jobColor } from '../state/node-style';

/** A short list of jobs (the dashboard's running and waiting jobs), with the colour used in the grid. */
@customElement('oar-job-list')
export class OarJobList extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    h2 {
      font-size: 1rem;
      margin: 0 0 0.4rem;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      max-height: 18rem;
      overflow: auto;
    }
    ul:focus-visible {
      outline: 3px solid var(--focus);
      outline-offset: 2px;
    }
    li {
      display: grid;
      grid-template-columns: 1rem 4rem 1fr auto;
      gap: 0.5rem;
      align-items: center;
      padding: 0.15rem 0;
      border-bottom: 1px solid var(--border-soft);
    }
    .swatch {
      width: 0.9rem;
      height: 0.9rem;
      border-radius: 2px;
    }
    .muted {
      color: var(--muted);
    }
  `;

  @property() heading = 'Jobs';
  @property({ attribute: false }) jobs: readonly Job[] = [];
  @property({ type: Number }) limit = 50;

  override render() {
    return html`<h2>${this.heading} <span class="muted">(${this.jobs.length})</span></h2>
      ${
        this.jobs.length === 0
          ? html`<p class="muted">None</p>`
          : // Focusable so a keyboard can scroll a long list (axe: scrollable-region-focusable).
            html`<ul tabindex="0" aria-label=${`${this.heading} jobs`}>
              ${this.jobs.slice(0, this.limit).map(
                (job) =>
                  html`<li data-job-id=${job.id}>
                    <span class="swatch" style="background:${jobColor(job.id)}" aria-hidden="true"></span>
                    <span>#${job.id}</span>
                    <span>${job.name || commandOf(job).slice(0, 40)} <span class="muted">· ${job.user}</span></span>
                    <span>${job.state}</span>
                  </li>`,
              )}
            </ul>`
      }`;
  }
}
