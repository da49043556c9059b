import { LitElement, html, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { readUrlState, writeUrlState } from '../state/url-state';
import {
  keepOrder,
  pageOf,
  pager,
  selectAllHeader,
  sortHeader,
  sortRows,
  toggled,
  type SortDir,
} from './sortable-table';
import { tableStyles } from './table-styles';

export interface Column<T> {
  key: string;
  label: string;
  value: (row: T) => unknown;
}

/** An action on many rows at once, offered when the user selects rows it allows. */
export interface BulkAction<T> {
  label: string;
  /** Shown as destructive. */
  danger: boolean;
  allows(row: T): boolean;
  run(rows: T[]): void;
}

/**
 * What the jobs and nodes tables share: sort by any column, paginate, select many rows by key (so
 * the selection survives live updates), and keep rows still while the pointer is over them.
 * Subclasses give the rows, their key, the columns, the filters and one row's cells.
 */
export abstract class DataTable<T, K> extends LitElement {
  static override styles = tableStyles;

  /** Offer selection and bulk actions. */
  @property({ type: Boolean }) canAct = false;
  @property({ type: Number }) pageSize = 50;
  /** Keep the sort (and the subclass's filters) in the page's URL: the page's own table, not an embedded one. */
  @property({ type: Boolean, attribute: 'url-state' }) urlState = false;

  @state() sortKey = '';
  @state() sortDir: SortDir = 'asc';
  @state() page = 0;
  @state() selected = new Set<K>();
  private frozenOrder?: K[];
  private shownOrder: K[] = [];

  protected abstract readonly columns: Column<T>[];
  protected abstract readonly noun: string;
  protected abstract rowsIn(): readonly T[];
  protected abstract keyOf(row: T): K;
  protected abstract passesFilters(row: T): boolean;
  protected abstract rowLabel(row: T): string;
  /** One `<tr>`, starting with `selectCell(row)`. */
  protected abstract row(row: T): TemplateResult;
  /** The group a row is shown under (rows are kept together by group, headed by it); none by default. */
  protected groupOf?(row: T): string;
  /** The filters as URL parameters, and back (when `urlState`). */
  protected filtersToUrl(): Record<string, string> {
    return {};
  }
  protected filtersFromUrl(_params: URLSearchParams): void {}

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.urlState) return;
    const params = readUrlState();
    const sort = params.get('sort');
    if (sort && this.columns.some((c) => c.key === sort)) this.sortKey = sort;
    const dir = params.get('dir');
    if (dir === 'asc' || dir === 'desc') this.sortDir = dir;
    this.filtersFromUrl(params);
  }

  /** Writes the sort and filters to the URL (after a change, when `urlState`). */
  protected saveUrlState(): void {
    if (this.urlState) writeUrlState({ sort: this.sortKey, dir: this.sortDir, ...this.filtersToUrl() });
  }

  /** Rows after filtering and sorting, in display order (all pages). */
  visibleRows(): T[] {
    const column = this.columns.find((c) => c.key === this.sortKey) ?? this.columns[0];
    let sorted = sortRows(
      this.rowsIn().filter((row) => this.passesFilters(row)),
      column.value,
      this.sortDir,
    );
    const groupOf = this.groupOf?.bind(this);
    if (groupOf) sorted = sortRows(sorted, groupOf, 'asc'); // stable: sorted by the column within each group
    return keepOrder(sorted, (row) => this.keyOf(row), this.frozenOrder);
  }

  /** Rows on screen now: filtered, sorted, this page. */
  shownRows(): T[] {
    return pageOf(this.visibleRows(), this.page, this.pageSize).rows;
  }

  /** Selected rows on screen: the only ones a bulk action acts on. */
  selectedShown(): T[] {
    return this.shownRows().filter((row) => this.selected.has(this.keyOf(row)));
  }

  /** Selected rows that still exist but are hidden (filtered out or on another page): never acted on. */
  protected selectedHiddenCount(): number {
    const shown = new Set(this.shownRows().map((row) => this.keyOf(row)));
    return this.rowsIn().filter((row) => this.selected.has(this.keyOf(row)) && !shown.has(this.keyOf(row))).length;
  }

  /** After an action: nothing stays ticked for the next one. */
  clearSelection(): void {
    this.selected = new Set();
  }

  /** Whether the signed-in user may act on this row at all (else it has no checkbox). */
  protected selectable(_row: T): boolean {
    return true;
  }

  /** "N selected", and the hidden ones that an action will leave alone. */
  protected selectionNote() {
    const hidden = this.selectedHiddenCount();
    const text = `${this.selectedShown().length} selected${hidden > 0 ? ` (${hidden} more hidden by the filter or paging: not included)` : ''}`;
    return html`<span aria-live="polite" data-field="selection">${text}</span>`;
  }

  /**
   * When acting is allowed: the selection note and a button per bulk action, enabled when the action
   * allows one of the selected rows on screen, and acting on those rows only.
   */
  protected bulkActions(actions: readonly BulkAction<T>[]) {
    if (!this.canAct) return null;
    const selected = this.selectedShown();
    return html`${this.selectionNote()}
    ${actions.map(
      (action) =>
        html`<button
          class=${action.danger ? 'danger' : ''}
          ?disabled=${!selected.some((row) => action.allows(row))}
          @click=${() => action.run(selected)}
        >
          ${action.label}
        </button>`,
    )}`;
  }

  /** After a filter change: back to the first page, in sorted order. */
  protected filtersChanged(): void {
    this.page = 0;
    this.frozenOrder = undefined;
    this.saveUrlState();
  }

  protected renderTable(label: string) {
    const visible = this.visibleRows();
    this.shownOrder = visible.map((row) => this.keyOf(row));
    const { rows, page, pages } = pageOf(visible, this.page, this.pageSize);
    return html`<table aria-label=${label}>
        <thead>
          <tr>
            ${
              this.canAct
                ? selectAllHeader(
                    `Select all shown ${this.noun}`,
                    rows.filter((row) => this.selectable(row)).map((row) => this.keyOf(row)),
                    this.selected,
                    (next) => (this.selected = next),
                  )
                : null
            }
            ${this.columns.map((c) => sortHeader(c.label, this.sortKey === c.key, this.sortDir, () => this.sortBy(c.key)))}
          </tr>
        </thead>
        <tbody @pointerenter=${() => (this.frozenOrder = this.shownOrder)} @pointerleave=${this.unfreeze}>
          ${rows.map((row, i) => {
            const group = this.groupOf?.(row);
            const heading =
              group !== undefined && (i === 0 || this.groupOf!(rows[i - 1]) !== group)
                ? html`<tr class="group">
                    <th scope="rowgroup" colspan=${this.columns.length + (this.canAct ? 1 : 0)}>${group}</th>
                  </tr>`
                : null;
            return html`${heading}${this.row(row)}`;
          })}
        </tbody>
      </table>
      ${visible.length === 0 ? html`<p class="muted">No ${this.noun} match.</p>` : null}
      ${pager(page, pages, `${visible.length} ${this.noun}`, (p) => (this.page = p))}`;
  }

  /** A row's checkbox cell, when acting is allowed (empty for a row the user may not act on). */
  protected selectCell(row: T) {
    if (!this.canAct) return null;
    if (!this.selectable(row)) return html`<td></td>`;
    const key = this.keyOf(row);
    return html`<td>
      <input
        type="checkbox"
        tabindex="-1"
        aria-label=${`Select ${this.rowLabel(row)}`}
        .checked=${this.selected.has(key)}
        @click=${(e: Event) => e.stopPropagation()}
        @change=${(e: Event) => (this.selected = toggled(this.selected, [key], (e.target as HTMLInputElement).checked))}
      />
    </td>`;
  }

  /**
   * Each row is one Tab stop (its checkbox and links are not): Enter opens the row (`open`), Space
   * ticks it when acting is allowed.
   */
  protected rowKeys(row: T, open: () => void) {
    return (event: KeyboardEvent) => {
      if (event.target !== event.currentTarget) return;
      if (event.key === 'Enter') open();
      else if (event.key === ' ' && this.canAct && this.selectable(row)) {
        event.preventDefault();
        const key = this.keyOf(row);
        this.selected = toggled(this.selected, [key], !this.selected.has(key));
      }
    };
  }

  private sortBy(key: string) {
    this.sortDir = this.sortKey === key && this.sortDir === 'asc' ? 'desc' : 'asc';
    this.sortKey = key;
    this.frozenOrder = undefined;
    this.saveUrlState();
  }

  private readonly unfreeze = () => {
    this.frozenOrder = undefined;
    this.requestUpdate();
  };
}
