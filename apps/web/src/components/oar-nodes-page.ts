import { LitElement, css, html } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import { LiveController } from '../state/live-controller';
import type { NodeActionDetail } from './oar-node-table';
import type { OarConfirmDialog } from './oar-confirm-dialog';
import './oar-node-table';
import './oar-node-create-form';
import './oar-confirm-dialog';
import { OperationTracker } from './operation-tracker';

const ACTION_WORDS: Record<string, string> = {
  alive: 'Set Alive',
  absent: 'Set Absent',
  dead: 'Set Dead',
  delete: 'Retire (set Dead, then delete)',
};

/** `/nodes`: node table with bulk state changes (confirmed), and node creation for admins. */
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
      <oar-node-table
        .nodes=${store?.snapshot?.nodes ?? []}
        ?canAct=${admin}
        @node-action=${this.onAction}
      ></oar-node-table>
      <oar-confirm-dialog></oar-confirm-dialog>`;
  }

  private async onAction(event: CustomEvent<NodeActionDetail>) {
    const { action, names } = event.detail;
    const ok = await this.confirm.ask(`${ACTION_WORDS[action]}: ${names.join(', ')}?`, ACTION_WORDS[action]);
    if (!ok) return;
    await this.tracker.send((api) => api.nodes.act({ action, names }));
  }
}
