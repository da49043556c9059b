import { html, nothing } from 'lit';

/**
 * Links to the page of each thing a view names: a job, a node, a user (their jobs), an operation.
 * `inRow`: inside a table row that is itself the Tab stop, the link is for the pointer only.
 */
export const jobHref = (id: number) => `/jobs/${id}`;
export const nodeHref = (name: string) => `/nodes/${encodeURIComponent(name)}`;
const userHref = (user: string) => `/jobs?user=${encodeURIComponent(user)}`;
export const operationHref = (id: string) => `/operations?id=${encodeURIComponent(id)}`;

const tab = (inRow: boolean) => (inRow ? '-1' : nothing);

export const jobLink = (id: number, inRow = false) => html`<a href=${jobHref(id)} tabindex=${tab(inRow)}>${id}</a>`;
export const nodeLink = (name: string, inRow = false) =>
  html`<a href=${nodeHref(name)} tabindex=${tab(inRow)}>${name}</a>`;
export const userLink = (user: string, inRow = false) =>
  html`<a href=${userHref(user)} tabindex=${tab(inRow)}>${user}</a>`;
export const operationLink = (id: string, inRow = false) =>
  html`<a href=${operationHref(id)} tabindex=${tab(inRow)}>${id}</a>`;

/** A comma-separated list of links. */
export function joined<T>(items: readonly T[], link: (item: T) => unknown) {
  return items.map((item, i) => html`${i > 0 ? ', ' : ''}${link(item)}`);
}
