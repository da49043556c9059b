/**
 * A route table in oarapi.pl's own style: each route is a regular expression on the path below
 * the API base, tried in order, first match wins. Hand-written rather than a framework router
 * because OAR's paths have quirks a generic router would not reproduce (optional `.json`/`.yaml`
 * suffix on every path, `resources/details` as an alias, the DELETE route ignoring its suffix).
 */
import type { OarRequest } from './request';

export type Handler = (req: OarRequest, params: string[]) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  handle: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  /** `path` uses `:id` (digits) and `:node` (a host name); an optional format suffix is always allowed. */
  on(method: string, path: string, handle: Handler): this {
    const source = path.replace(/:id/g, '(\\d+)').replace(/:node/g, '([\\w.-]+?)');
    this.routes.push({ method, pattern: new RegExp(`^${source}(\\.(?:json|yaml|html))?$`), handle });
    return this;
  }

  /** A route given as a raw expression; its last group must be the optional format suffix. */
  onPattern(method: string, pattern: RegExp, handle: Handler): this {
    this.routes.push({ method, pattern, handle });
    return this;
  }

  match(method: string, pathInfo: string): { handle: Handler; params: string[]; suffix?: string } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(pathInfo);
      if (m) return { handle: route.handle, params: m.slice(1, -1), suffix: m[m.length - 1] };
    }
    return undefined;
  }
}
