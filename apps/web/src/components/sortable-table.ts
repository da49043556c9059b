import { html } from 'lit';

/**
 * Sorting, paging and "rows do not jump under the pointer" for the jobs and nodes tables.
 * Plain functions: the elements keep their own state, this keeps the rules in one place.
 */
export type SortDir = 'asc' | 'desc';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null || a === '') return 1;
  if (b === undefined || b === null || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

export function sortRows<T>(rows: readonly T[], value: (row: T) => unknown, dir: SortDir): T[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => sign * compareValues(value(a), value(b)));
}

/**
 * While the pointer is over the table, keep rows in the order they were shown: rows still present
 * stay where they were, new rows go at the end. Without this a live update could move the row
 * being clicked.
 */
export function keepOrder<T, K>(rows: readonly T[], key: (row: T) => K, frozen: readonly K[] | undefined): T[] {
  if (!frozen) return [...rows];
  const byKey = new Map(rows.map((r) => [key(r), r]));
  const kept: T[] = frozen.flatMap((k) => (byKey.has(k) ? [byKey.get(k) as T] : []));
  const seen = new Set(frozen);
  return kept.concat(rows.filter((r) => !seen.has(key(r))));
}

export function pageOf<T>(rows: readonly T[], page: number, size: number): { rows: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const current = Math.min(Math.max(0, page), pages - 1);
  return { rows: rows.slice(current * size, current * size + size), page: current, pages };
}

/** A column header that sorts on click (and says so to assistive tech). */
export function sortHeader(label: string, sorted: boolean, dir: SortDir, onSort: () => void) {
  return html`<th aria-sort=${sorted ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
    <button @click=${onSort}>${label} ${sorted ? (dir === 'asc' ? '▲' : '▼') : ''}</button>
  </th>`;
}

export function pager(page: number, pages: number, total: string, go: (page: number) => void) {
  return html`<div class="pager">
    <button ?disabled=${page === 0} @click=${() => go(page - 1)}>Previous</button>
    <span>Page ${page + 1} of ${pages} · ${total}</span>
    <button ?disabled=${page >= pages - 1} @click=${() => go(page + 1)}>Next</button>
  </div>`;
}

/** A copy of the selection with `keys` added (on) or removed. */
export function toggled<K>(selection: ReadonlySet<K>, keys: readonly K[], on: boolean): Set<K> {
  const next = new Set(selection);
  for (const key of keys) {
    if (on) next.add(key);
    else next.delete(key);
  }
  return next;
}

/** The header cell that selects or clears every row shown (`keys`), handing back the new selection. */
export function selectAllHeader<K>(
  label: string,
  keys: readonly K[],
  selection: ReadonlySet<K>,
  onChange: (next: Set<K>) => void,
) {
  return html`<th>
    <input
      type="checkbox"
      aria-label=${label}
      .checked=${keys.length > 0 && keys.every((k) => selection.has(k))}
      @change=${(e: Event) => onChange(toggled(selection, keys, (e.target as HTMLInputElement).checked))}
    />
  </th>`;
}

/** A filter's picker: "All" (or `none`: the empty value) and each value, `current` selected. */
export function filterSelect(
  label: string,
  values: readonly string[],
  current: string,
  onChange: (value: string) => void,
  none = 'All',
) {
  return html`<label
    >${label}
    <select @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
      <option value="" ?selected=${!current}>${none}</option>
      ${values.map((v) => html`<option ?selected=${v === current}>${v}</option>`)}
    </select></label
  >`;
}
