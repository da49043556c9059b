import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Node } from '@oar-live/oar-client';
import type { NodeActionDetail } from './oar-node-table';

/**
 * The drain workflow's second half: nodes set Absent (OAR starts no new job there) with the jobs
 * they still run; each can be retired once it runs none (`node-action` delete).
 */
@customElement('oar-drain-list')
export class OarDrainList extends LitElement {
  static override styles = css`
    ul {
      margin: 0;
      padding-left: 1.2rem;
    }
    li {
      margin: 0.2rem 0;
    }
    button {
      font: inherit;
      margin-left: 0.5rem;
    }
    h2 {
      margin: 0 0 0.4rem;
      font-size: 1.25rem;
    }
  `;

  @property({ attribute: false }) nodes: readonly Node[] = [];

  override render() {
    const draining = this.nodes.filter((node) => node.state === 'Absent');
    if (draining.length === 0) return null;
    return html`<section aria-label="Draining nodes">
      <h2>Draining (Absent) nodes</h2>
      <ul>
        ${draining.map(
          (node) =>
            html`<li data-node=${node.name}>
              <strong>${node.name}</strong>:
              ${
                node.jobIds.length > 0
                  ? `${node.jobIds.length} job${node.jobIds.length === 1 ? '' : 's'} left (${node.jobIds.join(', ')})`
                  : 'no job left'
              }
              <button
                ?disabled=${node.jobIds.length > 0}
                aria-label=${`Retire ${node.name}`}
                @click=${() => this.retire(node.name)}
              >
                ${node.jobIds.length > 0 ? 'Retire when empty' : 'Retire now'}
              </button>
            </li>`,
        )}
      </ul>
    </section>`;
  }

  private retire(name: string) {
    const detail: NodeActionDetail = { action: 'delete', killJobs: false, names: [name], skipped: [] };
    this.dispatchEvent(new CustomEvent<NodeActionDetail>('node-action', { detail, bubbles: true, composed: true }));
  }
}
