import { LitElement, css, html } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import { LiveController } from '../state/live-controller';
import { nodeActionImpact } from '../state/action-impact';
import type { NodeActionDetail, OarNodeTable } from './oar-node-table';
import type { OarConfirmDialog } from './oar-confirm-dialog';
import './oar-node-table';
import './oar-drain-list';
import './oar-node-create-form';
import './oar-confirm-dialog';
import { OperationTracker } from './operation-tracker';

/**
 * `/nodes`: node table with bulk state changes (confirmed with their impact), the nodes being
 * drained (Absent, with the jobs they still run, retired once empty), and node creation for admins.
 */
@customElement('oar-nodes-page')
export class OarNodesPage extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      gap: 1rem;
    }
    h1,
    h2 {
      margin: 0 0 0.4rem;
      font-size: 1.25rem;
    }
    .error {
      color: var(--danger);
      font-weight: 600;
    }
  `;

  private readonly live = new LiveController(this);
  private readonly tracker = new OperationTracker(this, this.live);
  @query('oar-confirm-dialog') private confirm!: OarConfirmDialog;
  @query('oar-node-table') private table!: OarNodeTable;

  override render() {
    const store = this.live.store;
    const admin = this.live.session?.can('admin') ?? false;
    return html`<h1>Nodes</h1>
      ${
        admin
          ? html`<section aria-label="Create nodes">
              <h2>Create nodes</h2>
              <oar-node-create-form></oar-node-create-form>
            </section>`
          : null
      }
      ${this.tracker.render()}
      ${
        admin
          ? html`<oar-drain-list .nodes=${store?.snapshot?.nodes ?? []} @node-action=${this.onAction}></oar-drain-list>`
          : null
      }
      <oar-node-table
        url-state
        .nodes=${store?.snapshot?.nodes ?? []}
        ?canAct=${admin}
        .actor=${this.live.session?.actor ?? null}
        @node-action=${this.onAction}
      ></oar-node-table>
      <oar-confirm-dialog></oar-confirm-dialog>`;
  }

  /** Confirmed with its impact, sent for the allowed nodes only; the selection is then cleared. */
  private async onAction(event: CustomEvent<NodeActionDetail>) {
    const { action, killJobs, names, skipped } = event.detail;
    const snapshot = this.live.store?.snapshot;
    const impact = nodeActionImpact(action, killJobs, names, skipped, snapshot?.nodes ?? [], snapshot?.jobs ?? []);
    if (!(await this.confirm.ask(impact.question, impact.confirmLabel, impact.items))) return;
    this.table.clearSelection();
    await this.tracker.send((api) => api.nodes.act({ action, names, ...(killJobs && { force: true }) }));
  }
}
