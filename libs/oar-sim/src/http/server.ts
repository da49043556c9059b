/**
 * The HTTP front: Apache's part (the /oarapi and /oarapi-priv locations, Basic auth and its HTML
 * 401, the body size limit) and oarapi.pl's dispatch (format negotiation, routes, JSON errors).
 * Plain node:http: the simulator must control every status line, header and byte, and needs none of
 * what a web framework adds.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readCostMs } from '../cost-model';
import type { SimApi } from './context';
import { APACHE_SERVER, ApacheError, apachePage, type ApacheStatus, OarHttpError } from './errors';
import { infoRoutes } from './routes-info';
import { jobRoutes } from './routes-jobs';
import { resourceRoutes } from './routes-resources';
import { OarRequest } from './request';
import { Router } from './router';

/** Logins and passwords of /oarapi-priv (the sandbox's htpasswd file). */
export const BASIC_USERS: Readonly<Record<string, string>> = { alice: 'alicepw', bob: 'bobpw', oar: 'oarpw' };
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const REJECTED_IDENTS = new Set(['', 'unknown', '(null)']);

export interface RequestFilter {
  method?: string;
  pathPrefix?: string;
}

export class ApiServer {
  readonly server: Server;
  private readonly router = new Router();
  private readonly counts = new Map<string, number>();

  constructor(private readonly api: SimApi) {
    infoRoutes(this.router, api);
    jobRoutes(this.router, api);
    resourceRoutes(this.router, api);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Requests received so far, optionally only those of one method and/or under one path. */
  requestCount(filter: RequestFilter = {}): number {
    let total = 0;
    for (const [key, count] of this.counts) {
      const [method, path] = key.split(' ', 2);
      if (filter.method && filter.method.toUpperCase() !== method) continue;
      if (filter.pathPrefix && !path.startsWith(filter.pathPrefix)) continue;
      total += count;
    }
    return total;
  }

  private async handle(incoming: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', 'http://sim');
    const method = incoming.method ?? 'GET';
    const key = `${method} ${url.pathname}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const hostPort = incoming.headers.host ?? `${this.server.address()}`;
    res.setHeader('Server', APACHE_SERVER);
    const apache = (status: ApacheStatus, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/html; charset=iso-8859-1', ...headers });
      res.end(apachePage(status, hostPort));
    };

    const body = await readBody(incoming);
    if (!body) return apache(413);
    const location = /^\/(oarapi|oarapi-priv)(\/.*)?$/.exec(safeDecode(url.pathname));
    if (!location) return apache(404);
    const base = `/${location[1]}`;
    const pathInfo = location[2] ?? '';
    let user = '';
    if (base === '/oarapi-priv') {
      const login = basicLogin(incoming.headers.authorization);
      if (!login) return apache(401, { 'WWW-Authenticate': 'Basic realm="OAR API authentication"' });
      user = login;
    } else {
      const ident = incoming.headers['x-remote-ident'];
      const value = Array.isArray(ident) ? ident[0] : ident;
      if (value !== undefined && !REJECTED_IDENTS.has(value)) user = value;
    }

    const req = new OarRequest(
      method,
      base,
      pathInfo,
      url.search.slice(1),
      incoming,
      res,
      user,
      body,
      this.api.clock.epoch(),
    );
    req.costMs = readCostMs(this.api.costs, 'other', 0, 0);
    try {
      const structure = req.query.get('structure');
      if (structure !== null && structure !== 'simple' && structure !== 'oar')
        throw new OarHttpError(406, `Unknown ${structure} format`, `Unknown ${structure} format for data structure`);
      req.negotiate(pathInfo === '' ? 'html' : /\.(json|yaml|html)$/.exec(pathInfo)?.[0]);
      const route = this.router.match(method, pathInfo);
      if (!route) throw new OarHttpError(404, 'Not found', `No way to handle your request ${pathInfo}`);
      await route.handle(req, route.params);
    } catch (err) {
      if (err instanceof ApacheError) apache(err.status);
      else if (err instanceof OarHttpError) req.sendError(err);
      else req.sendError(new OarHttpError(500, 'Oar server error', String((err as Error).stack ?? err)));
    }
  }
}

function readBody(incoming: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    incoming.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    incoming.on('error', reject);
  });
}

function basicLogin(header: string | undefined): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const login = decoded.slice(0, colon);
  return colon > 0 && Object.hasOwn(BASIC_USERS, login) && BASIC_USERS[login] === decoded.slice(colon + 1)
    ? login
    : undefined;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
