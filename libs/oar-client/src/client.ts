import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CallOptions, ListOptions, OarClientOptions, OarTimezone, OarVersion } from './api-types';
import { OarProtocolError, OarRequestError } from './errors';
import { OarHttp, type HttpRequest } from './http';
import { OarJobs } from './jobs-api';
import { mapTimezone, mapVersion, mapWhoami, pageQuery, parsePage, type OarRecord } from './mapping';
import { OarResources } from './resources-api';

/**
 * Items mapped between two turns of the event loop when reading a list: a page of 5,000 resources
 * mapped in the turn that parsed it held the loop 100+ ms on 2 busy cores (a server reading OAR
 * also serves sockets); 1,000 still took 20-35 ms a turn at load 7.
 */
const ITEMS_PER_TURN = 500;

/** OAR's default page size (oarapi.pl's $MAX_ITEMS); it accepts any larger `limit`. */
const OAR_DEFAULT_PAGE_SIZE = 500;

/**
 * Typed client for the OAR 2.5 REST API (oarapi.pl). Every call takes an optional last argument
 * `{ as, signal, timeoutMs }`: `as` is the OAR login to act as (the service acts for many users).
 */
export class OarClient {
  readonly jobs = new OarJobs(this);
  readonly resources = new OarResources(this);
  private readonly http: OarHttp;
  private readonly pageSize: number;

  constructor(options: OarClientOptions) {
    this.http = new OarHttp(options);
    this.pageSize = options.pageSize ?? OAR_DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) {
      throw new OarRequestError(`pageSize must be a positive integer, got ${options.pageSize}`);
    }
  }

  /** `GET /` — the API root: versions and the server clock. */
  root(call?: CallOptions): Promise<OarVersion> {
    return this.request({ path: '' }, mapVersion, call);
  }

  version(call?: CallOptions): Promise<OarVersion> {
    return this.request({ path: 'version' }, mapVersion, call);
  }

  timezone(call?: CallOptions): Promise<OarTimezone> {
    return this.request({ path: 'timezone' }, mapTimezone, call);
  }

  /** The login OAR sees for this call (null when anonymous). */
  whoami(call?: CallOptions): Promise<string | null> {
    return this.request({ path: 'whoami' }, mapWhoami, call);
  }

  /**
   * `GET /media/<path>?tail=<lines>`: the last lines of a file on the cluster, read as `call.as` (OAR
   * runs `tail` as that user, so only what they may read). oarapi.pl pastes the path into a shell
   * command, so only plain absolute paths (letters, digits, `_ . -` between slashes, no `..`) are sent.
   */
  tailFile(path: string, lines: number, call?: CallOptions): Promise<string> {
    if (!/^(\/[\w.-]+)+$/.test(path) || path.split('/').includes('..'))
      throw new OarRequestError(
        `file path must be absolute and plain ([\\w.-] between slashes), got ${JSON.stringify(path)}`,
      );
    if (!Number.isInteger(lines) || lines < 1)
      throw new OarRequestError(`lines must be a positive integer, got ${lines}`);
    const request = { path: `media${path}`, query: { tail: String(lines) }, text: true };
    return this.request(request, (body) => body as string, call);
  }

  /** Sends one request and maps its body; a body of the wrong shape becomes an OarProtocolError. */
  async request<T>(request: HttpRequest, map: (body: unknown) => T, call?: CallOptions): Promise<T> {
    const body = await this.http.send(request, call);
    return mapOrThrow(map, body, request.path);
  }

  /**
   * Every item of an OAR list, page after page: follows the `next` link (or, without one, `offset`
   * while fewer than `total` items were seen). Pages hold `limit` items (default `pageSize`).
   */
  async *paginate(
    path: string,
    options: ListOptions & { query?: Record<string, string> } = {},
  ): AsyncGenerator<OarRecord> {
    const { query, limit = this.pageSize, ...call } = options;
    let url: URL | undefined = this.http.url(path, { ...query, ...pageQuery(limit, 0) });
    const seen = new Set<string>();
    while (url) {
      seen.add(url.href);
      const page = await this.request({ path: url.href }, parsePage, call);
      yield* page.items;
      const seenSoFar = page.offset + page.items.length;
      if (page.nextHref) {
        url = this.http.resolveLink(page.nextHref);
      } else if (page.total !== undefined && page.items.length > 0 && seenSoFar < page.total) {
        url = new URL(url);
        url.searchParams.set('offset', String(seenSoFar));
      } else {
        url = undefined;
      }
      if (url && seen.has(url.href)) throw new OarProtocolError(`OAR's pages loop back to ${url.href}`, path);
    }
  }

  /** Every item of a list, mapped, as its pages arrive: a caller may keep only some (see `all`). */
  async *each<T>(
    path: string,
    map: (item: unknown) => T,
    options?: ListOptions & { query?: Record<string, string> },
  ): AsyncGenerator<T> {
    let mapped = 0;
    for await (const item of this.paginate(path, options)) {
      yield mapOrThrow(map, item, path);
      if (++mapped % ITEMS_PER_TURN === 0) await nextTurn();
    }
  }

  /** All items of a list, mapped. */
  async all<T>(
    path: string,
    map: (item: unknown) => T,
    options?: ListOptions & { query?: Record<string, string> },
  ): Promise<T[]> {
    const result: T[] = [];
    for await (const item of this.each(path, map, options)) result.push(item);
    return result;
  }
}

function mapOrThrow<T>(map: (body: unknown) => T, body: unknown, path: string): T {
  try {
    return map(body);
  } catch (err) {
    if (err instanceof TypeError)
      throw new OarProtocolError(`unexpected answer from OAR for ${path}: ${err.message}`, path);
    throw err;
  }
}

/** Ids go into URL paths: only positive integers. */
export function checkId(id: number, what: string): string {
  if (!Number.isSafeInteger(id) || id < 1) throw new OarRequestError(`${what} must be a positive integer, got ${id}`);
  return String(id);
}
