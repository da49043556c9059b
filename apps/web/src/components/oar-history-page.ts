import { Task, TaskStatus } from '@lit/task';
import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Job } from '@oar-live/oar-client';
import type { HistoryTotals } from '@oar-live/shared';
import { LiveController } from '../state/live-controller';
import { formatDuration } from '../state/job-request';
import { jobTimings } from '../state/job-timings';
import { readUrlState, writeUrlState } from '../state/url-state';
import { jobHref, jobLink, userLink } from './links';
import { pageStyles, tableStyles } from './table-styles';

const PAGE_SIZE = 50;
const FILTERS = ['user', 'queue', 'state', 'name', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '—');

/** ISO ↔ the value of an `<input type="datetime-local">` (local time, minutes). */
function toLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : '');

/**
 * `/history`: finished jobs read from OAR (`GET /api/history/jobs`) by user, queue, state, name and
 * time window (default: the last 24 hours), a page at a time, with per-user and per-queue totals of
 * the window. Read when the search is sent, never polled. Filters and page are in the URL.
 */
@customElement('oar-history-page')
export class OarHistoryPage extends LitElement {
  static override styles = [
    tableStyles,
    pageStyles,
    css`
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: end;
      }
      .totals {
        display: grid;
        gap: 1rem;
        grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr));
      }
    `,
  ];

  @state() private filters: Filters = readFilters();
  @state() private offset = Number(readUrlState().get('offset')) || 0;
  private readonly live = new LiveController(this);

  private readonly page = new Task(this, {
    task: async ([api, query], { signal }) => (api ? api.history.jobs(new URLSearchParams(query), signal) : undefined),
    args: () => [this.live.api, this.query({ limit: String(PAGE_SIZE), offset: String(this.offset) })] as const,
  });

  /** Asked once the page's rows are in: the totals need the whole window, the first rows do not. */
  private readonly summary = new Task(this, {
    task: async ([api, query, rowsIn], { signal }) =>
      api && rowsIn ? api.history.summary(new URLSearchParams(query), signal) : undefined,
    args: () => {
      const { from, to } = this.filters;
      const query = new URLSearchParams(Object.entries({ from, to }).filter(([, v]) => v)).toString();
      return [this.live.api, query, this.page.status === TaskStatus.COMPLETE] as const;
    },
  });

  /** The API query of the current filters (as a string: a Task reruns when its args change by value). */
  private query(extra: Record<string, string>): string {
    const given = Object.entries(this.filters).filter(([, v]) => v);
    return new URLSearchParams([...given, ...Object.entries(extra)]).toString();
  }

  override render() {
    return html`<h1>Job history</h1>
      ${this.form()}
      ${this.page.render({
        pending: () => html`<p class="muted" aria-live="polite">Reading finished jobs from OAR…</p>`,
        error: (err) => html`<p class="error" role="alert">${(err as Error).message}</p>`,
        complete: (page) => (page ? this.table(page.jobs, page.total, page.from, page.to) : null),
      })}
      ${this.summary.render({
        error: (err) => html`<p class="error" role="alert">${(err as Error).message}</p>`,
        complete: (summary) =>
          summary
            ? html`<div class="totals">
                ${totalsTable('Per user', 'User', summary.users, true)}
                ${totalsTable('Per queue', 'Queue', summary.queues, false)}
              </div>`
            : null,
      })}`;
  }

  private form() {
    const f = this.filters;
    return html`<form role="search" aria-label="Search finished jobs" @submit=${this.onSearch}>
      <label>User <input name="user" .value=${f.user} size="10" /></label>
      <label>Queue <input name="queue" .value=${f.queue} size="10" /></label>
      <label
        >State
        <select name="state">
          ${['', 'Terminated', 'Error'].map(
            (s) => html`<option value=${s} ?selected=${s === f.state}>${s || 'Both'}</option>`,
          )}
        </select></label
      >
      <label>Name <input name="name" type="search" .value=${f.name} size="12" /></label>
      <label>From <input name="from" type="datetime-local" .value=${toLocalInput(f.from)} /></label>
      <label>To <input name="to" type="datetime-local" .value=${toLocalInput(f.to)} /></label>
      <button type="submit">Search</button>
    </form>`;
  }

  private table(jobs: Job[], total: number, from: string, to: string) {
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const page = Math.floor(this.offset / PAGE_SIZE);
    const now = Date.now();
    return html`<p aria-live="polite" data-field="total">
        ${total} finished jobs between ${when(from)} and ${when(to)}.
      </p>
      <table aria-label="Finished jobs">
        <thead>
          <tr>
            ${['Id', 'Name', 'User', 'Queue', 'State', 'Submitted', 'Ended', 'Ran for', 'Exit code'].map(
              (label) => html`<th scope="col">${label}</th>`,
            )}
          </tr>
        </thead>
        <tbody>
          ${jobs.map((job) => {
            const t = jobTimings(job, now);
            return html`<tr
              data-job-id=${job.id}
              tabindex="0"
              aria-label=${`Job ${job.id}${job.name ? ` ${job.name}` : ''}, ${job.user}, ${job.state}`}
              @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && e.target === e.currentTarget && this.follow(job.id)}
            >
              <td>${jobLink(job.id, true)}</td>
              <td>${job.name ?? ''}</td>
              <td>${userLink(job.user, true)}</td>
              <td>${job.queue}</td>
              <td data-col="state">${job.state}</td>
              <td>${when(t.submitted)}</td>
              <td>${when(t.ended)}</td>
              <td>${t.elapsed === undefined ? '—' : formatDuration(t.elapsed)}</td>
              <td>${job.exitSignal ? `signal ${job.exitSignal}` : (job.exitCode ?? '—')}</td>
            </tr>`;
          })}
        </tbody>
      </table>
      ${jobs.length === 0 ? html`<p class="muted">No finished job matches.</p>` : null}
      <div class="pager">
        <button ?disabled=${page === 0} @click=${() => this.goTo(page - 1)}>Previous</button>
        <span>Page ${page + 1} of ${pages}</span>
        <button ?disabled=${page >= pages - 1} @click=${() => this.goTo(page + 1)}>Next</button>
      </div>`;
  }

  private follow(id: number) {
    this.renderRoot.querySelector<HTMLAnchorElement>(`a[href="${jobHref(id)}"]`)?.click();
  }

  private goTo(page: number) {
    this.offset = page * PAGE_SIZE;
    writeUrlState({ offset: this.offset || undefined });
  }

  private onSearch(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const value = (key: string) => String(data.get(key) ?? '').trim();
    this.filters = {
      user: value('user'),
      queue: value('queue'),
      state: value('state'),
      name: value('name'),
      from: fromLocalInput(value('from')),
      to: fromLocalInput(value('to')),
    };
    this.offset = 0;
    writeUrlState({ ...this.filters, offset: undefined });
  }
}

function readFilters(): Filters {
  const params = readUrlState();
  return Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? ''])) as Filters;
}

function totalsTable(title: string, label: string, totals: HistoryTotals[], users: boolean) {
  return html`<section aria-label=${title}>
    <h2>${title}</h2>
    <table aria-label=${`Finished jobs ${title.toLowerCase()}`}>
      <thead>
        <tr>
          ${[label, 'Jobs', 'Terminated', 'Error', 'Run time'].map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${totals.map(
          (t) =>
            html`<tr>
              <td>${users ? userLink(t.key) : t.key}</td>
              <td>${t.jobs}</td>
              <td>${t.terminated}</td>
              <td>${t.errors}</td>
              <td>${formatDuration(Math.round(t.runSeconds))}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${totals.length === 0 ? html`<p class="muted">None.</p>` : null}
  </section>`;
}
