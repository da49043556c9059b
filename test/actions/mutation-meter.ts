import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface HeldResponse {
  /** Resolves once OAR has answered the held request (its effect is done in OAR). */
  answered: Promise<void>;
}

export interface MutationMeter {
  /** Base URL to give oar-live instead of OAR's (same path). */
  url: string;
  /** Most OAR mutations (non-GET requests) in flight at once so far. */
  maxInFlight(): number;
  mutations(): number;
  /** Requests with this method whose URL matches `url`, so far; only those made as OAR user `as` if given. */
  requests(method: string, url: RegExp, as?: string): number;
  /**
   * The next request matching `method` and `pathPrefix` reaches OAR, but its answer is never passed
   * back: the caller sees a request that was sent and then hung (the "outcome unknown" case).
   */
  swallowNext(method: string, pathPrefix: string): HeldResponse;
  /** The next request matching is answered `status` by the proxy: OAR never sees it. */
  refuseNext(method: string, pathPrefix: string, status: number): void;
  /** The next request matching (made as OAR user `as`) waits at the proxy until released, then goes on to OAR. */
  holdNext(method: string, pathPrefix: string, as: string): HeldRequest;
  close(): Promise<void>;
}

export interface HeldRequest {
  /** Resolves once the request reached the proxy. */
  arrived: Promise<void>;
  release(): void;
}

/** What the proxy does, once, to the next request matching method, path prefix (and OAR user). */
interface Rule {
  method: string;
  pathPrefix: string;
  as?: string;
  act: 'swallow' | 'refuse' | 'hold';
  status?: number;
  reached(): void;
  released?: Promise<void>;
}

/**
 * A loopback HTTP proxy in front of an OAR API that counts mutations in flight: the one place that
 * sees every request of every oar-live process, so "one OAR mutation at a time" is measured where
 * it matters rather than inferred from the worker.
 */
export async function startMutationMeter(target: string): Promise<MutationMeter> {
  const upstream = new URL(target);
  let inFlight = 0;
  let max = 0;
  let total = 0;
  const rules: Rule[] = [];
  const seen: { line: string; ident: string | undefined }[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const ident = req.headers['x-remote-ident'] as string | undefined;
    seen.push({ line: `${req.method} ${req.url}`, ident });
    const rule = rules.find(
      (r) =>
        r.method === req.method && (req.url ?? '').startsWith(r.pathPrefix) && (r.as === undefined || r.as === ident),
    );
    if (rule) rules.splice(rules.indexOf(rule), 1);
    if (rule?.act === 'refuse') {
      rule.reached();
      res.writeHead(rule.status!, { 'content-type': 'text/plain' }).end('refused by the test proxy');
      return;
    }
    if (rule?.act === 'hold') {
      rule.reached();
      await rule.released;
    }
    const mutation = req.method !== 'GET' && req.method !== 'HEAD';
    if (mutation) {
      inFlight += 1;
      total += 1;
      max = Math.max(max, inFlight);
    }
    let done = false;
    const finish = () => {
      if (mutation && !done) inFlight -= 1;
      done = true;
    };
    const swallowed = rule?.act === 'swallow' ? rule : null;
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer: IncomingMessage) => {
        if (swallowed) {
          answer.resume();
          answer.on('end', () => {
            finish();
            swallowed.reached();
          });
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', finish);
      },
    );
    forward.on('error', () => {
      finish();
      res.destroy();
    });
    res.on('close', finish);
    req.pipe(forward);
  };
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname.replace(/\/$/, '')}`,
    maxInFlight: () => max,
    mutations: () => total,
    requests: (method, url, as) =>
      seen.filter(
        ({ line, ident }) => line.startsWith(`${method} `) && url.test(line) && (as === undefined || ident === as),
      ).length,
    swallowNext(method, pathPrefix) {
      let reached!: () => void;
      const answered = new Promise<void>((resolve) => (reached = resolve));
      rules.push({ method, pathPrefix, act: 'swallow', reached });
      return { answered };
    },
    refuseNext(method, pathPrefix, status) {
      rules.push({ method, pathPrefix, act: 'refuse', status, reached: () => undefined });
    },
    holdNext(method, pathPrefix, as) {
      let reached!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((resolve) => (reached = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      rules.push({ method, pathPrefix, as, act: 'hold', reached, released });
      return { arrived, release };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
