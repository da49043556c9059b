import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Job } from '@oar-live/oar-client';
import { JOB_ACTIONS, jobActionRefusal, type Actor, type JobAction } from '@oar-live/shared';
import { formatDuration } from '../state/job-request';
import { commandOf } from '../state/job-text';
import { jobColor } from '../state/node-style';
import { DataTable, type Column } from './data-table';
import { filterSelect } from './sortable-table';
import { jobLink, joined, nodeLink, userLink } from './links';

export interface JobActionDetail {
  action: JobAction;
  /** Selected, shown jobs the action is allowed on. */
  ids: number[];
  /** Selected, shown jobs it is not allowed on, with the reason (left alone). */
  skipped: Array<{ id: number; reason: string }>;
}

type JobFilters = { state: string; user: string; queue: string; text: string };

/**
 * Jobs: sort by any column, filter by state/user/queue/text, paginate, select many (by id, so the
 * selection survives live updates), bulk cancel/hold/resume (`job-action` event) and open a job
 * (`job-open` event). Only jobs the signed-in user may act on can be ticked, an action is offered
 * only when it is allowed on a selected job (the shared action rule), and it acts only on the
 * selected jobs on screen.
 */
@customElement('oar-job-table')
export class OarJobTable extends DataTable<Job, number> {
  @property({ attribute: false }) jobs: readonly Job[] = [];
  @property({ type: Number }) currentId?: number;
  /** Who is signed in (their OAR login and roles). */
  @property({ attribute: false }) actor: Actor | null = null;
  @state() filters: JobFilters = { state: '', user: '', queue: '', text: '' };

  protected readonly noun = 'jobs';
  protected readonly columns: Column<Job>[] = [
    { key: 'id', label: 'Id', value: (job) => job.id },
    { key: 'name', label: 'Name', value: (job) => job.name ?? '' },
    { key: 'user', label: 'User', value: (job) => job.user },
    { key: 'queue', label: 'Queue', value: (job) => job.queue },
    { key: 'state', label: 'State', value: (job) => job.state },
    { key: 'submittedAt', label: 'Submitted', value: (job) => job.submittedAt },
    { key: 'walltime', label: 'Walltime', value: (job) => job.walltime },
    { key: 'nodes', label: 'Nodes', value: (job) => job.nodes.join(',') },
  ];

  constructor() {
    super();
    this.sortKey = 'id';
    this.sortDir = 'desc'; // newest first
  }

  protected rowsIn() {
    return this.jobs;
  }

  protected keyOf(job: Job) {
    return job.id;
  }

  protected rowLabel(job: Job) {
    return `job ${job.id}`;
  }

  protected override selectable(job: Job): boolean {
    return JOB_ACTIONS.some((action) => !this.refusal(action, job));
  }

  private refusal(action: JobAction, job: Job) {
    return this.actor ? jobActionRefusal(action, job, this.actor) : { reason: 'Sign in to act on jobs.' };
  }

  protected passesFilters(job: Job): boolean {
    const { state, user, queue, text } = this.filters;
    const needle = text.trim().toLowerCase();
    return (
      (!state || job.state === state) &&
      (!user || job.user === user) &&
      (!queue || job.queue === queue) &&
      (!needle ||
        `${job.id} ${job.name ?? ''} ${commandOf(job)} ${job.user} ${job.nodes.join(' ')}`
          .toLowerCase()
          .includes(needle))
    );
  }

  protected override filtersToUrl() {
    const { state, user, queue, text } = this.filters;
    return { state, user, queue, q: text };
  }

  protected override filtersFromUrl(params: URLSearchParams): void {
    const get = (key: string) => params.get(key) ?? '';
    this.filters = { state: get('state'), user: get('user'), queue: get('queue'), text: get('q') };
  }

  override render() {
    // The filter's own value stays offered while no job has it (a shared link, a job that just ended).
    const distinct = (key: 'state' | 'user' | 'queue') =>
      [...new Set([...this.jobs.map((j) => j[key]), this.filters[key]].filter(Boolean))].sort();
    return html`<div class="toolbar" role="search">
        ${this.filterSelect('state', 'State', distinct('state'))} ${this.filterSelect('user', 'User', distinct('user'))}
        ${this.filterSelect('queue', 'Queue', distinct('queue'))}
        <label
          >Search
          <input
            type="search"
            .value=${this.filters.text}
            placeholder="id, name, command, node"
            @input=${(e: Event) => this.setFilter('text', (e.target as HTMLInputElement).value)}
        /></label>
        ${this.bulkActions(
          JOB_ACTIONS.map((action) => ({
            label: `${action[0].toUpperCase() + action.slice(1)} selected`,
            danger: action === 'cancel',
            allows: (job) => !this.refusal(action, job),
            run: (jobs) => this.act(action, jobs),
          })),
        )}
      </div>
      ${this.renderTable('Jobs')}`;
  }

  protected row(job: Job) {
    const selected = this.selected.has(job.id);
    return html`<tr
      data-job-id=${job.id}
      class="${selected ? 'selected' : ''} ${job.id === this.currentId ? 'current' : ''}"
      aria-selected=${selected}
      tabindex="0"
      aria-label=${`Job ${job.id}${job.name ? ` ${job.name}` : ''}, ${job.user}, ${job.state}`}
      @click=${(e: MouseEvent) => !(e.target as Element).closest('a') && this.open(job)}
      @keydown=${this.rowKeys(job, () => this.open(job))}
    >
      ${this.selectCell(job)}
      <td><span style="color:${jobColor(job.id)}" aria-hidden="true">■</span> ${jobLink(job.id, true)}</td>
      <td>${job.name ?? ''}</td>
      <td>${userLink(job.user, true)}</td>
      <td>${job.queue}</td>
      <td data-col="state">${job.state}</td>
      <td>${job.submittedAt ? new Date(job.submittedAt).toLocaleString() : ''}</td>
      <td>${formatDuration(job.walltime)}</td>
      <td class="wrap">${joined(job.nodes, (name) => nodeLink(name, true))}</td>
    </tr>`;
  }

  /** Puts the focus on a job's row, when it is shown. */
  focusRow(id: number): void {
    this.renderRoot.querySelector<HTMLElement>(`tr[data-job-id="${id}"]`)?.focus();
  }

  private filterSelect(key: 'state' | 'user' | 'queue', label: string, values: string[]) {
    return filterSelect(label, values, this.filters[key], (value) => this.setFilter(key, value));
  }

  private setFilter(key: keyof JobFilters, value: string) {
    this.filters = { ...this.filters, [key]: value };
    this.filtersChanged();
  }

  private act(action: JobAction, jobs: Job[]) {
    const detail: JobActionDetail = { action, ids: [], skipped: [] };
    for (const job of jobs) {
      const refusal = this.refusal(action, job);
      if (refusal) detail.skipped.push({ id: job.id, reason: refusal.reason });
      else detail.ids.push(job.id);
    }
    this.dispatchEvent(new CustomEvent<JobActionDetail>('job-action', { detail, bubbles: true, composed: true }));
  }

  private open(job: Job) {
    this.dispatchEvent(new CustomEvent<Job>('job-open', { detail: job, bubbles: true, composed: true }));
  }
}
