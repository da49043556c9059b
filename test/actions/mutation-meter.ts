import { createServer, request, type IncomingMessage, type Server } from 'node:http';

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
  close(): Promise<void>;
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
  let swallow: { method: string; pathPrefix: string; answered: () => void } | null = null;
  const seen: { line: string; ident: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ line: `${req.method} ${req.url}`, ident: req.headers['x-remote-ident'] as string | undefined });
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
    const swallowed =
      swallow && req.method === swallow.method && (req.url ?? '').startsWith(swallow.pathPrefix) ? swallow : null;
    if (swallowed) swallow = null;
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
            swallowed.answered();
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
  });
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
      let answered!: () => void;
      const promise = new Promise<void>((resolve) => (answered = resolve));
      swallow = { method, pathPrefix, answered };
      return { answered: promise };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
