import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string;
  authorization?: string;
  body: string;
}

type Answer = [status: number, body: unknown];

/**
 * Scripted answers for the REST half of the contract (docs/http-api.md), for element tests that need
 * an exact reply (an operation id, OAR's error text). Every request is recorded so a test can
 * assert what the page sent. The end-to-end tests use the real API instead.
 */
export class ScriptedApi {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, (req: RecordedRequest) => Answer>();

  on(method: string, path: string, answer: (req: RecordedRequest) => Answer): this {
    this.routes.set(`${method} ${path}`, answer);
    return this;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: new URL(req.url ?? '/', 'http://x').pathname,
        contentType: req.headers['content-type'] ?? '',
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(recorded);
      const route = this.routes.get(`${recorded.method} ${recorded.path}`);
      const [status, body] = route
        ? route(recorded)
        : [404, { statusCode: 404, error: 'Not Found', message: `no route ${recorded.path}` }];
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
  }

  sent(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }
}
