import { css } from 'lit';

/** Shared look of the data tables and their toolbars (jobs, nodes, operations, events). */
export const tableStyles = css`
  :host {
    display: block;
  }
  h1 {
    font-size: 1.25rem;
    margin: 0 0 0.5rem;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 0.75rem;
    align-items: end;
    margin-bottom: 0.5rem;
  }
  label {
    display: inline-flex;
    flex-direction: column;
    font-size: 0.85em;
    color: var(--muted);
    gap: 0.1rem;
  }
  input,
  select,
  button,
  textarea {
    font: inherit;
    color: var(--fg);
    background: var(--bg);
    border: 1px solid var(--border);
    border-radius: 4px;
    padding: 0.25rem 0.5rem;
  }
  button {
    cursor: pointer;
    font-weight: 600;
  }
  button.primary {
    background: var(--accent);
    color: var(--accent-fg);
    border-color: var(--accent);
  }
  button.danger {
    color: var(--danger);
    border-color: var(--danger);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  :is(input, select, button, textarea, tr, a):focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 1px;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    text-align: left;
    padding: 0.3rem 0.5rem;
    border-bottom: 1px solid var(--border-soft);
    white-space: nowrap;
  }
  td.wrap {
    white-space: normal;
    overflow-wrap: anywhere;
  }
  th button {
    border: none;
    background: none;
    padding: 0;
    color: var(--fg);
  }
  tr.selected {
    background: var(--row-selected);
  }
  tr.group th {
    text-align: left;
    padding-top: 0.6rem;
    border-bottom: 2px solid var(--border);
  }
  td a {
    color: var(--link);
  }
  tr.current {
    box-shadow: inset 4px 0 0 var(--accent);
  }
  tbody tr:hover {
    background: var(--surface);
  }
  .muted {
    color: var(--muted);
  }
  .error {
    color: var(--danger);
    font-weight: 600;
  }
  .pager {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    margin-top: 0.5rem;
  }
`;

/** A page of one thing (a job, a node, the history): a grid of titled sections and label/value lists. */
export const pageStyles = css`
  :host {
    display: grid;
    gap: 1rem;
  }
  h1 {
    margin: 0;
    font-size: 1.35rem;
  }
  h2 {
    font-size: 1.05rem;
    margin: 0.2rem 0 0.5rem;
  }
  section {
    border: 1px solid var(--border-soft);
    border-radius: 6px;
    padding: 0.5rem 0.9rem 0.75rem;
    overflow-x: auto;
  }
`;

/** Label/value lists (`<dl>`): a job's or a node's fields. */
export const fieldListStyles = css`
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.2rem 1rem;
    margin: 0;
  }
  dt {
    color: var(--muted);
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  pre {
    margin: 0;
    white-space: pre-wrap;
  }
`;
