import { Task } from '@lit/task';
import { LitElement, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { OPERATION_STATES, type Operation } from '@oar-live/shared';
import { readUrlState, writeUrlState } from '../state/url-state';
import { jobLink, nodeLink, operationHref, userLink } from './links';
import { LiveController } from '../state/live-controller';
import { tableStyles } from './table-styles';
import { filterSelect } from './sortable-table';

const FILTERS = ['id', 'user', 'kind', 'state'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** A target is a job id or a node name: a link to its page either way. */
const targetLink = (target: string) => (/^\d+$/.test(target) ? jobLink(Number(target)) : nodeLink(target));

/**
 * `/operations`: every operation, loaded once over REST then kept current by operation.updated;
 * filtered by user, kind, state or one operation (`?id=`), the filters kept in the URL.
 */
@customElement('oar-operations-list')
export class OarOperationsList extends LitElement {
  static override styles = tableStyles;

  private readonly live = new LiveController(this);
  @state() private filters: Filters = Object.fromEntries(
    FILTERS.map((key) => [key, readUrlState().get(key) ?? '']),
  ) as Filters;
  private readonly load = new Task(this, {
    task: async ([api], { signal }) => {
      if (!api) return;
      const answer = await api.operations.list(signal);
      this.live.store?.mergeOperations(answer.operations);
    },
    args: () => [this.live.api] as const,
  });

  override render() {
    const all = [...(this.live.store?.operations.values() ?? [])];
    const operations = all.filter((op) => this.passes(op)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const values = (key: 'user' | 'kind') =>
      [...new Set([...all.map((op) => op[key]), this.filters[key]])].filter(Boolean).sort();
    return html`<h1>Operations</h1>
      <div class="toolbar" role="search">
        ${this.select('user', 'User', values('user'))} ${this.select('kind', 'Kind', values('kind'))}
        ${this.select('state', 'State', [...OPERATION_STATES])}
        ${
          this.filters.id
            ? html`<span
                >Operation ${this.filters.id}
                <button @click=${() => this.setFilter('id', '')}>Show all operations</button></span
              >`
            : null
        }
      </div>
      ${this.load.render({
        pending: () => html`<p class="muted">Loading…</p>`,
        error: (err) => html`<p class="error" role="alert">${(err as Error).message}</p>`,
      })}
      <table aria-label="Operations">
        <thead>
          <tr>
            <th>Created</th>
            <th>Kind</th>
            <th>User</th>
            <th>Targets</th>
            <th>State</th>
            <th>Attempts</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          ${operations.map(
            (op) =>
              html`<tr data-operation=${op.id}>
                <td><a href=${operationHref(op.id)}>${new Date(op.createdAt).toLocaleString()}</a></td>
                <td>${op.kind}</td>
                <td>${userLink(op.user)}</td>
                <td class="wrap">${op.targets.map((t, i) => html`${i ? ', ' : ''}${targetLink(t)}`)}</td>
                <td data-col="state">${op.state}</td>
                <td>${op.attempts}</td>
                <td class="wrap error">${op.error?.message ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${operations.length === 0 ? html`<p class="muted">No operations${all.length ? ' match' : ' yet'}.</p>` : null}`;
  }

  private passes(op: Operation): boolean {
    const { id, user, kind, state } = this.filters;
    return (
      (!id || op.id === id) &&
      (!user || op.user === user) &&
      (!kind || op.kind === kind) &&
      (!state || op.state === state)
    );
  }

  private select(key: 'user' | 'kind' | 'state', label: string, values: string[]) {
    return filterSelect(label, values, this.filters[key], (value) => this.setFilter(key, value));
  }

  private setFilter(key: keyof Filters, value: string) {
    this.filters = { ...this.filters, [key]: value };
    writeUrlState({ [key]: value });
  }
}
