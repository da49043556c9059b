import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Node } from '@oar-live/oar-client';
import { stateStyle } from '../state/node-style';
import { keepOrder, pageOf, pager, sortHeader, sortRows, type SortDir } from './sortable-table';
import { tableStyles } from './table-styles';

export type NodeAction = 'alive' | 'absent' | 'dead' | 'delete';
export interface NodeActionDetail {
  action: NodeAction;
  names: string[];
}

const COLUMNS: Array<{ key: string; label: string; value: (n: Node) => unknown }> = [
  { key: 'name', label: 'Name', value: (n) => n.name },
  { key: 'state', label: 'State', value: (n) => n.state },
  { key: 'busy', label: 'Busy cores', value: (n) => n.busyCores },
  { key: 'total', label: 'Cores', value: (n) => n.totalCores },
  { key: 'jobs', label: 'Jobs', value: (n) => n.jobIds.join(',') },
];
const ACTIONS: Array<{ action: NodeAction; label: string }> = [
  { action: 'alive', label: 'Set Alive' },
  { action: 'absent', label: 'Set Absent' },
  { action: 'dead', label: 'Set Dead' },
  { action: 'delete', label: 'Retire' },
];

/** Nodes: sort, filter by state and text, paginate, select many (by name), bulk state/retire (`node-action`). */
@customElement('oar-node-table')
export class OarNodeTable extends LitElement {
  static override styles = tableStyles;

  @property({ attribute: false }) nodes: readonly Node[] = [];
  @property({ type: Boolean }) canAct = false;
  @property({ type: Number }) pageSize = 100;

  @state() sortKey = 'name';
  @state() sortDir: SortDir = 'asc';
  @state() stateFilter = '';
  @state() text = '';
  @state() page = 0;
  @state() selected = new Set<string>();
  private frozenOrder?: string[];
  private shownOrder: string[] = [];

  override render() {
    const needle = this.text.trim().toLowerCase();
    const filtered = this.nodes.filter(
      (n) => (!this.stateFilter || n.state === this.stateFilter) && (!needle || n.name.toLowerCase().includes(needle)),
    );
    const column = COLUMNS.find((c) => c.key === this.sortKey)!;
    const visible = keepOrder(sortRows(filtered, column.value, this.sortDir), (n) => n.name, this.frozenOrder);
    this.shownOrder = visible.map((n) => n.name);
    const { rows, page, pages } = pageOf(visible, this.page, this.pageSize);
    const present = this.nodes.filter((n) => this.selected.has(n.name)).map((n) => n.name);
    return html`<div class="toolbar" role="search">
        <label
          >State
          <select
            @change=${(e: Event) => {
              this.stateFilter = (e.target as HTMLSelectElement).value;
              this.page = 0;
            }}
          >
            <option value="">All</option>
            ${[...new Set(this.nodes.map((n) => n.state))].sort().map((s) => html`<option>${s}</option>`)}
          </select></label
        >
        <label
          >Search
          <input
            type="search"
            placeholder="node name"
            @input=${(e: Event) => {
              this.text = (e.target as HTMLInputElement).value;
              this.page = 0;
            }}
        /></label>
        ${
          this.canAct
            ? html`<span aria-live="polite">${present.length} selected</span> ${ACTIONS.map(
                  ({ action, label }) =>
                    html`<button
                      class=${action === 'delete' || action === 'dead' ? 'danger' : ''}
                      ?disabled=${present.length === 0}
                      @click=${() => this.act(action, present)}
                    >
                      ${label}
                    </button>`,
                )}`
            : null
        }
      </div>
      <table aria-label="Nodes">
        <thead>
          <tr>
            ${
              this.canAct
                ? html`<th>
                    <input
                      type="checkbox"
                      aria-label="Select all shown nodes"
                      .checked=${rows.length > 0 && rows.every((n) => this.selected.has(n.name))}
                      @change=${(e: Event) =>
                        this.select(
                          rows.map((n) => n.name),
                          (e.target as HTMLInputElement).checked,
                        )}
                    />
                  </th>`
                : null
            }
            ${COLUMNS.map((c) => sortHeader(c.label, this.sortKey === c.key, this.sortDir, () => this.sortBy(c.key)))}
          </tr>
        </thead>
        <tbody @pointerenter=${() => (this.frozenOrder = this.shownOrder)} @pointerleave=${this.unfreeze}>
          ${rows.map((n) => this.row(n))}
        </tbody>
      </table>
      ${pager(page, pages, `${visible.length} nodes`, (p) => (this.page = p))}`;
  }

  private row(node: Node) {
    const selected = this.selected.has(node.name);
    const style = stateStyle(node.state);
    return html`<tr data-node=${node.name} class=${selected ? 'selected' : ''} aria-selected=${selected}>
      ${
        this.canAct
          ? html`<td>
              <input
                type="checkbox"
                aria-label=${`Select ${node.name}`}
                .checked=${selected}
                @change=${(e: Event) => this.select([node.name], (e.target as HTMLInputElement).checked)}
              />
            </td>`
          : null
      }
      <td>${node.name}</td>
      <td data-col="state">
        <span style="color: var(${style.colorVar})" aria-hidden="true">${style.icon}</span> ${node.state}
      </td>
      <td>${node.busyCores}</td>
      <td>${node.totalCores}</td>
      <td class="wrap">${node.jobIds.join(', ')}</td>
    </tr>`;
  }

  private sortBy(key: string) {
    this.sortDir = this.sortKey === key && this.sortDir === 'asc' ? 'desc' : 'asc';
    this.sortKey = key;
    this.frozenOrder = undefined;
  }

  private select(names: string[], on: boolean) {
    const next = new Set(this.selected);
    for (const name of names) {
      if (on) next.add(name);
      else next.delete(name);
    }
    this.selected = next;
  }

  private act(action: NodeAction, names: string[]) {
    this.dispatchEvent(
      new CustomEvent<NodeActionDetail>('node-action', { detail: { action, names }, bubbles: true, composed: true }),
    );
  }

  private readonly unfreeze = () => {
    this.frozenOrder = undefined;
    this.requestUpdate();
  };
}
