import { Task } from '@lit/task';
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LiveController } from '../state/live-controller';
import { tableStyles } from './table-styles';

/** `/operations`: every operation, loaded once over REST then kept current by operation.updated. */
@customElement('oar-operations-list')
export class OarOperationsList extends LitElement {
  static override styles = tableStyles;

  private readonly live = new LiveController(this);
  private readonly load = new Task(this, {
    task: async ([api], { signal }) => {
      if (!api) return;
      const answer = await api.operations.list(signal);
      this.live.store?.mergeOperations(answer.operations);
    },
    args: () => [this.live.api] as const,
  });

  override render() {
    const operations = [...(this.live.store?.operations.values() ?? [])].sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
    return html`<h1>Operations</h1>
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
                <td>${new Date(op.createdAt).toLocaleString()}</td>
                <td>${op.kind}</td>
                <td>${op.user}</td>
                <td class="wrap">${op.targets.join(', ')}</td>
                <td data-col="state">${op.state}</td>
                <td>${op.attempts}</td>
                <td class="wrap error">${op.error?.message ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${operations.length === 0 ? html`<p class="muted">No operations yet.</p>` : null}`;
  }
}
