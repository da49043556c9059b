import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Job } from '@oar-live/oar-client';
import { displayJobName, formatDuration } from '../state/job-request';
import { jobColor } from '../state/node-style';
import { keepOrder, pageOf, pager, sortHeader, sortRows, type SortDir } from './sortable-table';
import { tableStyles } from './table-styles';

export type JobAction = 'cancel' | 'hold' | 'resume';
export interface JobActionDetail {
  action: JobAction;
  ids: number[];
}

const COLUMNS: Array<{ key: keyof Job; label: string; value?: (job: Job) => unknown }> = [
  { key: 'id', label: 'Id' },
  { key: 'name', label: 'Name', value: (job) => displayJobName(job.name) },
  { key: 'user', label: 'User' },
  { key: 'queue', label: 'Queue' },
  { key: 'state', label: 'State' },
  { key: 'submittedAt', label: 'Submitted' },
  { key: 'walltime', label: 'Walltime' },
  { key: 'nodes', label: 'Nodes', value: (job) => job.nodes.join(',') },
];

/**
 * Jobs: sort by any column, filter by state/user/queue/text, paginate, select many (by id, so the
 * selection survives live updates), bulk cancel/hold/resume (`job-action` event) and open a job
 * (`job-open` event).
 */
@customElement('oar-job-table')
export class OarJobTable extends LitElement {
  static override styles = tableStyles;

  @property({ attribute: false }) jobs: readonly Job[] = [];
  /** Offer selection and bulk actions (the signed-in user may act on jobs). */
  @property({ type: Boolean }) canAct = false;
  @property({ type: Number }) currentId?: number;
  @property({ type: Number }) pageSize = 50;

  @state() sortKey: keyof Job = 'id';
  @state() sortDir: SortDir = 'desc';
  @state() filters = { state: '', user: '', queue: '', text: '' };
  @state() page = 0;
  @state() selected = new Set<number>();
  private frozenOrder?: number[];
  private shownOrder: number[] = [];

  /** Jobs after filtering and sorting, in display order (all pages). */
  visibleJobs(): Job[] {
    const { state, user, queue, text } = this.filters;
    const needle = text.trim().toLowerCase();
    const filtered = this.jobs.filter(
      (job) =>
        (!state || job.state === state) &&
        (!user || job.user === user) &&
        (!queue || job.queue === queue) &&
        (!needle ||
          `${job.id} ${job.name ?? ''} ${job.command} ${job.user} ${job.nodes.join(' ')}`
            .toLowerCase()
            .includes(needle)),
    );
    const column = COLUMNS.find((c) => c.key === this.sortKey)!;
    const sorted = sortRows(filtered, column.value ?? ((job) => job[column.key]), this.sortDir);
    return keepOrder(sorted, (job) => job.id, this.frozenOrder);
  }

  override render() {
    const visible = this.visibleJobs();
    const { rows, page, pages } = pageOf(visible, this.page, this.pageSize);
    this.shownOrder = visible.map((j) => j.id);
    const presentSelected = this.jobs.filter((j) => this.selected.has(j.id)).map((j) => j.id);
    const distinct = (key: 'state' | 'user' | 'queue') => [...new Set(this.jobs.map((j) => j[key]))].sort();
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
        ${
          this.canAct
            ? html`<span aria-live="polite">${presentSelected.length} selected</span> ${(
                  ['cancel', 'hold', 'resume'] as const
                ).map(
                  (action) =>
                    html`<button
                      class=${action === 'cancel' ? 'danger' : ''}
                      ?disabled=${presentSelected.length === 0}
                      @click=${() => this.act(action, presentSelected)}
                    >
                      ${action[0].toUpperCase() + action.slice(1)} selected
                    </button>`,
                )}`
            : null
        }
      </div>
      <table aria-label="Jobs" aria-rowcount=${visible.length}>
        <thead>
          <tr>
            ${
              this.canAct
                ? html`<th>
                    <input
                      type="checkbox"
                      aria-label="Select all shown jobs"
                      .checked=${rows.length > 0 && rows.every((j) => this.selected.has(j.id))}
                      @change=${(e: Event) => this.selectAll(rows, (e.target as HTMLInputElement).checked)}
                    />
                  </th>`
                : null
            }
            ${COLUMNS.map((c) => sortHeader(c.label, this.sortKey === c.key, this.sortDir, () => this.sortBy(c.key)))}
          </tr>
        </thead>
        <tbody @pointerenter=${this.freeze} @pointerleave=${this.unfreeze}>
          ${rows.map((job) => this.row(job))}
        </tbody>
      </table>
      ${visible.length === 0 ? html`<p class="muted">No jobs match.</p>` : null}
      ${pager(page, pages, `${visible.length} jobs`, (p) => (this.page = p))}`;
  }

  private row(job: Job) {
    const selected = this.selected.has(job.id);
    return html`<tr
      data-job-id=${job.id}
      class="${selected ? 'selected' : ''} ${job.id === this.currentId ? 'current' : ''}"
      aria-selected=${selected}
      tabindex="0"
      @click=${(e: Event) => this.open(e, job)}
      @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.open(e, job)}
    >
      ${
        this.canAct
          ? html`<td>
              <input
                type="checkbox"
                aria-label=${`Select job ${job.id}`}
                .checked=${selected}
                @click=${(e: Event) => e.stopPropagation()}
                @change=${(e: Event) => this.toggle(job.id, (e.target as HTMLInputElement).checked)}
              />
            </td>`
          : null
      }
      <td><span style="color:${jobColor(job.id)}" aria-hidden="true">■</span> ${job.id}</td>
      <td>${displayJobName(job.name)}</td>
      <td>${job.user}</td>
      <td>${job.queue}</td>
      <td data-col="state">${job.state}</td>
      <td>${job.submittedAt ? new Date(job.submittedAt).toLocaleString() : ''}</td>
      <td>${formatDuration(job.walltime)}</td>
      <td class="wrap">${job.nodes.join(', ')}</td>
    </tr>`;
  }

  private filterSelect(key: 'state' | 'user' | 'queue', label: string, values: string[]) {
    return html`<label
      >${label}
      <select @change=${(e: Event) => this.setFilter(key, (e.target as HTMLSelectElement).value)}>
        <option value="" ?selected=${!this.filters[key]}>All</option>
        ${values.map((v) => html`<option ?selected=${v === this.filters[key]}>${v}</option>`)}
      </select></label
    >`;
  }

  private sortBy(key: keyof Job) {
    this.sortDir = this.sortKey === key && this.sortDir === 'asc' ? 'desc' : 'asc';
    this.sortKey = key;
    this.frozenOrder = undefined;
  }

  private setFilter(key: keyof OarJobTable['filters'], value: string) {
    this.filters = { ...this.filters, [key]: value };
    this.page = 0;
    this.frozenOrder = undefined;
  }

  private toggle(id: number, on: boolean) {
    const next = new Set(this.selected);
    if (on) next.add(id);
    else next.delete(id);
    this.selected = next;
  }

  private selectAll(rows: Job[], on: boolean) {
    const next = new Set(this.selected);
    for (const job of rows) {
      if (on) next.add(job.id);
      else next.delete(job.id);
    }
    this.selected = next;
  }

  private act(action: JobAction, ids: number[]) {
    this.dispatchEvent(
      new CustomEvent<JobActionDetail>('job-action', { detail: { action, ids }, bubbles: true, composed: true }),
    );
  }

  private open(event: Event, job: Job) {
    if ((event.target as HTMLElement).closest('input')) return;
    this.dispatchEvent(new CustomEvent<Job>('job-open', { detail: job, bubbles: true, composed: true }));
  }

  private readonly freeze = () => {
    this.frozenOrder = this.shownOrder;
  };

  private readonly unfreeze = () => {
    this.frozenOrder = undefined;
    this.requestUpdate();
  };
}
