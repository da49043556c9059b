/**
 * oarapi.pl's add_pagination: `{items, total, offset, links[self,next,previous], api_timestamp}`;
 * an empty result is `{items:[], total:0, offset:0, links:[]}` without api_timestamp.
 */
import type { OarRequest } from './request';
import { cgiEscape } from './request';

/** OAR's API_DEFAULT_MAX_ITEMS_NUMBER. */
export const MAX_ITEMS = 500;

export interface Window {
  limit: number;
  offset: number;
}

/** `?limit=&offset=` of a paged list (limit defaults to OAR's 500). */
export function pageWindow(req: OarRequest): Window {
  const limit = Number(req.query.get('limit'));
  const offset = Number(req.query.get('offset'));
  return {
    limit: Number.isInteger(limit) && limit > 0 ? limit : MAX_ITEMS,
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

/**
 * The list envelope as JSON text. `paged` lists carry `offset=` links built from the query string
 * (offset removed, other parameters kept in order); unpaged ones link to the bare path.
 */
export function envelope(
  req: OarRequest,
  items: string[],
  total: number,
  window: Window | undefined,
  params?: string,
): string {
  if (total <= 0) return '{"items":[],"total":0,"offset":0,"links":[]}';
  let path = `${req.base}${req.pathInfo}`;
  let separator = '?';
  if (params) {
    const kept = params
      .replace(/;/g, '&')
      .replace(/offset=(.*?)(&|$)/g, '')
      .replace(/&$/, '');
    if (kept !== '') {
      path += `?${kept}`;
      separator = '&';
    }
  }
  const links: object[] = [];
  if (window) {
    const { limit, offset } = window;
    links.push({ href: `${path}${separator}offset=${offset}`, rel: 'self' });
    if (offset + limit < total) links.push({ href: `${path}${separator}offset=${offset + limit}`, rel: 'next' });
    if (offset - limit >= 0) links.push({ href: `${path}${separator}offset=${offset - limit}`, rel: 'previous' });
  } else {
    links.push({ href: path, rel: 'self' });
  }
  const offset = window?.offset ?? 0;
  return `{"items":[${items.join(',')}],"total":${total},"offset":${offset},"links":${JSON.stringify(links)},"api_timestamp":${req.now}}`;
}

/** CGI's query_string: the request's parameters re-escaped, `&`-joined. */
export function queryParams(req: OarRequest): string {
  return [...req.query.entries()].map(([k, v]) => `${cgiEscape(k)}=${cgiEscape(v)}`).join('&');
}
