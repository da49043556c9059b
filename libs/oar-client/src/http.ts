/**
 * One HTTP exchange with oarapi.pl: auth headers, time limit, body decoding and the
 * translation of every failure into the typed errors of ./errors. Knows URLs, not OAR's JSON fields.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { CallOptions, OarAuthMode, OarClientOptions } from './api-types';
import { oarHttpError, OarProtocolError, OarRequestError, OarTimeoutError, OarUnreachableError } from './errors';
import { parseErrorBody } from './mapping';

export const DEFAULT_TIMEOUT_MS = 15_000;

/** oarapi.pl takes the login from `$authenticated_user =~ /(\w+)/`; anything else it would cut or refuse. */
const LOGIN = /^\w+$/;

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  /** A path under the API root without extension (".json" is added), or an absolute URL OAR gave us. */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON; a string is taken as JSON text already serialised. */
  body?: unknown;
  /** The answer is a file's text (`/media/…`), not JSON: the path gets no ".json" and the text comes back as is. */
  text?: boolean;
}

export class OarHttp {
  private readonly baseUrl: URL;
  private readonly auth: OarAuthMode;
  private readonly credentials?: (login: string) => string | undefined;
  private readonly readAs?: string;
  private readonly timeoutMs: number;
  private readonly onExchange?: OarClientOptions['onExchange'];

  constructor(options: OarClientOptions) {
    this.onExchange = options.onExchange;
    this.baseUrl = new URL(options.baseUrl.replace(/\/+$/, '') + '/');
    if (this.baseUrl.protocol !== 'http:' && this.baseUrl.protocol !== 'https:') {
      throw new OarRequestError(`OAR API URL must be http(s): ${options.baseUrl}`);
    }
    this.auth = options.auth;
    this.credentials = options.credentials;
    this.readAs = options.readAs;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  url(path: string, query: Record<string, string> = {}, suffix = '.json'): URL {
    const url = /^[a-z]+:\/\//i.test(path) ? new URL(path) : new URL(`${path}${suffix}`, this.baseUrl);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url;
  }

  /** Resolves a link OAR wrote (a path such as /oarapi/jobs.json?offset=500) against the API origin. */
  resolveLink(href: string): URL {
    const url = new URL(href, this.baseUrl);
    if (url.origin !== this.baseUrl.origin) throw new OarProtocolError(`OAR linked outside its API: ${href}`, href);
    return url;
  }

  /** Sends one request and returns its parsed JSON body. */
  async send(request: HttpRequest, call: CallOptions = {}): Promise<unknown> {
    const url = this.url(request.path, request.query, request.text ? '' : '.json');
    const method = request.method ?? 'GET';
    const label = `${method} ${url.pathname}${url.search}`;
    const headers: Record<string, string> = {
      // DELETE /resources/<id>.json answers 406 without it (oarapi.pl reads the format from the wrong group).
      Accept: 'application/json',
      // Lets OAR's access log tell oar-live's requests from other clients'.
      'User-Agent': 'oar-live',
      ...this.authHeaders(call.as),
    };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    // AbortSignal.timeout takes whole ms only (a RangeError otherwise: every poll failed at once).
    const timeoutMs = Math.ceil(call.timeoutMs ?? this.timeoutMs);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    let status: number;
    let text: string;
    try {
      const body =
        request.body === undefined || typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      const startMs = Date.now();
      const response = await exchange(url, { method, headers, body, signal }).finally(() =>
        this.onExchange?.({ method, path: url.pathname, startMs, endMs: Date.now() }),
      );
      status = response.status;
      text = decodeBody(response.bytes);
    } catch (err) {
      if (call.signal?.aborted) throw call.signal.reason;
      if (timeout.aborted) throw new OarTimeoutError(timeoutMs, label);
      throw new OarUnreachableError(networkErrorCode(err), label, { cause: err });
    }
    if (status < 200 || status > 299) {
      const { title, message } = parseErrorBody(text, status);
      throw oarHttpError(status, title, message, label);
    }
    if (request.text) return text;
    try {
      return JSON.parse(text);
    } catch {
      throw new OarProtocolError(
        `OAR answered ${label} with ${status} and a body that is not JSON: ${text.slice(0, 200)}`,
        label,
      );
    }
  }

  private authHeaders(requested: string | undefined): Record<string, string> {
    const login = requested ?? this.readAs;
    if (login === undefined || this.auth === 'none') return {};
    if (!LOGIN.test(login)) throw new OarRequestError(`invalid OAR login ${JSON.stringify(login)}: must match ^\\w+$`);
    if (this.auth === 'ident') return { 'X-Remote-Ident': login };
    const password = this.credentials?.(login);
    if (password === undefined) throw new OarRequestError(`no OAR password for login ${login}`);
    return { Authorization: `Basic ${base64(`${login}:${password}`)}` };
  }
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * A fresh connection per request: Node's default agent keeps idle sockets for 5 s, exactly Apache's
 * KeepAliveTimeout, so a reused socket can be closed by Apache as the request goes out (ECONNRESET).
 * On loopback or a LAN the connect is far cheaper than oarapi.pl's own work.
 */
const agents = { 'http:': new HttpAgent({ keepAlive: false }), 'https:': new HttpsAgent({ keepAlive: false }) };

/**
 * node:http rather than the global fetch: fetch refuses OAR's usual API port, 6668, as one of the
 * Fetch standard's "bad ports" (6665–6669, IRC), with no option to allow it.
 */
function exchange(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<{ status: number; bytes: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers =
      init.body === undefined
        ? init.headers
        : { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) };
    const agent = agents[url.protocol as keyof typeof agents];
    const req = send(url, { method: init.method, headers, signal: init.signal, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('close', () =>
        res.complete
          ? resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) })
          : reject(new Error('response cut short')),
      );
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * OAR labels every body `charset=ISO-8859-1`, but its JSON encoder writes UTF-8 bytes (a job named
 * "café" comes back as 63 61 66 c3 a9). So: UTF-8 when the bytes are valid UTF-8, the label otherwise.
 */
export function decodeBody(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

function networkErrorCode(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err.message : String(err);
}
