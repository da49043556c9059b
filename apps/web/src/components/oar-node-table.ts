import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Node } from '@oar-live/oar-client';
import { nodeActionRefusal, type Actor, type NodeAction } from '@oar-live/shared';
import { stateStyle } from '../state/node-style';
import {
  matchesProperty,
  parsePropertyFilter,
  propertyNames,
  propertyOf,
  propertyChoices,
} from '../state/node-properties';
import { DataTable, type Column } from './data-table';
import { filterSelect } from './sortable-table';
import { jobLink, joined, nodeHref } from './links';

export interface NodeActionDetail {
  action: NodeAction;
  /** Retire even with jobs running: they are killed first ("retire and kill"). */
  killJobs: boolean;
  /** Selected, shown nodes the action is allowed on. */
  names: string[];
  /** Selected, shown nodes it is not allowed on, with the reason (left alone). */
  skipped: Array<{ name: string; reason: string }>;
}

const ACTIONS: Array<{ action: NodeAction; label: string; killJobs?: boolean }> = [
  { action: 'alive', label: 'Set Alive' },
  { action: 'absent', label: 'Set Absent' },
  { action: 'dead', label: 'Set Dead' },
  { action: 'delete', label: 'Retire' },
  { action: 'delete', label: 'Retire and kill jobs…', killJobs: true },
];

/**
 * Nodes: sort, filter by state and text, paginate, select many (by name), bulk state/retire
 * (`node-action`) on the selected nodes on screen, each offered only when the shared action rule
 * allows it on one of them. A node running jobs is retired either after draining it (Set Absent,
 * wait for its jobs to end) or with "Retire and kill jobs…", never by a plain Retire.
 */
@customElement('oar-node-table')
export class OarNodeTable extends DataTable<Node, string> {
  @property({ attribute: false }) nodes: readonly Node[] = [];
  /** Who is signed in (their roles). */
  @property({ attribute: false }) actor: Actor | null = null;
  @state() stateFilter = '';
  @state() text = '';
  /** `name=value` (e.g. `cluster=alpha`): only nodes whose site property has that value. */
  @state() propertyFilter = '';
  /** A site property to group the rows by ('' = no grouping). */
  @state() groupBy = '';

  protected readonly noun = 'nodes';
  protected readonly columns: Column<Node>[] = [
    { key: 'name', label: 'Name', value: (n) => n.name },
    { key: 'state', label: 'State', value: (n) => `${n.state} ${n.stateReason ?? ''}` },
    { key: 'busy', label: 'Busy cores', value: (n) => n.busyCores },
    { key: 'total', label: 'Cores', value: (n) => n.totalCores },
    { key: 'jobs', label: 'Jobs', value: (n) => n.jobIds.join(',') },
    { key: 'planned', label: 'Planned jobs', value: (n) => (n.plannedJobIds ?? []).join(',') },
  ];

  constructor() {
    super();
    this.sortKey = 'name';
    this.pageSize = 100;
  }

  protected rowsIn() {
    return this.nodes;
  }

  protected keyOf(node: Node) {
    return node.name;
  }

  protected rowLabel(node: Node) {
    return node.name;
  }

  private refusal(action: NodeAction, node: Node, killJobs = false) {
    if (!this.actor) return { reason: 'Sign in as an admin to change nodes.' };
    // "Retire and kill" is for nodes that still run jobs: a free node has the plain Retire.
    if (killJobs && node.jobIds.length === 0) return { reason: `${node.name} runs no job; use Retire.` };
    return nodeActionRefusal(action, node, this.actor, { killJobs });
  }

  protected passesFilters(node: Node): boolean {
    const needle = this.text.trim().toLowerCase();
    return (
      (!this.stateFilter || node.state === this.stateFilter) &&
      (!needle || node.name.toLowerCase().includes(needle)) &&
      matchesProperty(node, parsePropertyFilter(this.propertyFilter))
    );
  }

  protected override groupOf?(node: Node): string;

  override willUpdate(): void {
    this.groupOf = this.groupBy ? (node) => `${this.groupBy} = ${propertyOf(node, this.groupBy)}` : undefined;
  }

  protected override filtersToUrl() {
    return { state: this.stateFilter, q: this.text, property: this.propertyFilter, group: this.groupBy };
  }

  protected override filtersFromUrl(params: URLSearchParams): void {
    this.stateFilter = params.get('state') ?? '';
    this.text = params.get('q') ?? '';
    this.propertyFilter = params.get('property') ?? '';
    this.groupBy = params.get('group') ?? '';
  }

  private setFilter(key: 'stateFilter' | 'text' | 'propertyFilter' | 'groupBy', value: string) {
    this[key] = value;
    this.filtersChanged();
  }

  /** The property filter and "group by" pickers, over the properties the nodes have. */
  private propertyControls() {
    const names = propertyNames(this.nodes);
    if (names.length === 0 && !this.propertyFilter && !this.groupBy) return null;
    const choices = propertyChoices(this.nodes);
    return html`${filterSelect('Property', choices, this.propertyFilter, (v) => this.setFilter('propertyFilter', v))}
    ${filterSelect('Group by', names, this.groupBy, (v) => this.setFilter('groupBy', v), 'Nothing')}`;
  }

  override render() {
    return html`<div class="toolbar" role="search">
        ${filterSelect('State', [...new Set(this.nodes.map((n) => n.state))].sort(), this.stateFilter, (v) =>
          this.setFilter('stateFilter', v),
        )}
        <label
          >Search
          <input
            type="search"
            placeholder="node name"
            .value=${this.text}
            @input=${(e: Event) => this.setFilter('text', (e.target as HTMLInputElement).value)}
        /></label>
        ${this.propertyControls()}
        ${this.bulkActions(
          ACTIONS.map(({ action, label, killJobs = false }) => ({
            label,
            danger: action === 'delete' || action === 'dead',
            allows: (node) => !this.refusal(action, node, killJobs),
            run: (nodes) => this.act(action, nodes, killJobs),
          })),
        )}
      </div>
      ${this.renderTable('Nodes')}`;
  }

  protected row(node: Node) {
    const selected = this.selected.has(node.name);
    const style = stateStyle(node.state);
    const page = nodeHref(node.name);
    return html`<tr
      data-node=${node.name}
      class=${selected ? 'selected' : ''}
      aria-selected=${selected}
      tabindex="0"
      aria-label=${`${node.name}, ${node.state}, ${node.busyCores} of ${node.totalCores} cores busy`}
      @keydown=${this.rowKeys(node, () => this.navigate(page))}
    >
      ${this.selectCell(node)}
      <td><a href=${page} tabindex="-1">${node.name}</a></td>
      <td data-col="state">
        <span style="color: var(${style.colorVar})" aria-hidden="true">${style.icon}</span> ${node.state}
        ${node.stateReason ? html`<span class="muted" data-col="reason">· ${node.stateReason}</span>` : null}
      </td>
      <td>${node.busyCores}</td>
      <td>${node.totalCores}</td>
      <td class="wrap" data-col="jobs">${joined(node.jobIds, (id) => jobLink(id, true))}</td>
      <td class="wrap" data-col="planned">${joined(node.plannedJobIds ?? [], (id) => jobLink(id, true))}</td>
    </tr>`;
  }

  /** Follows an in-app link as a click on it would (the app's router handles it). */
  private navigate(href: string) {
    const link = this.renderRoot.querySelector<HTMLAnchorElement>(`a[href="${href}"]`);
    link?.click();
  }

  private act(action: NodeAction, nodes: Node[], killJobs: boolean) {
    const detail: NodeActionDetail = { action, killJobs, names: [], skipped: [] };
    for (const node of nodes) {
      const refusal = this.refusal(action, node, killJobs);
      if (refusal) detail.skipped.push({ name: node.name, reason: refusal.reason });
      else detail.names.push(node.name);
    }
    this.dispatchEvent(new CustomEvent<NodeActionDetail>('node-action', { detail, bubbles: true, composed: true }));
  }
}
