import { css } from 'lit';

/** Shared look of the wall's side panels (legend, ticker): a small caps heading over a bare list of one-line rows. */
export const wallPanelStyles = css`
  :host {
    display: block;
    min-height: 0;
    overflow: hidden;
  }
  h2 {
    font-size: 0.8em;
    text-transform: uppercase;
    letter-spacing: 0.06em;
    color: var(--muted);
    margin: 0.6em 0 0.2em;
  }
  ul,
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li {
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
    line-height: 1.35;
  }
  .none,
  .more {
    color: var(--muted);
  }
`;
