import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from './api-client';
import { Session } from './session';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  contentType?: string;
  body: string;
}

/** A real HTTP server on loopback that records each request and answers `reply(request)`. */
async function serve(reply: (seen: Seen) => [number, unknown]) {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = {
        method: req.method!,
        url: req.url!,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      };
      seen.push(request);
      const [status, answer] = reply(request);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const operation = { id: 'op-1', kind: 'job.hold', state: 'queued' };

describe('ApiClient', () => {
  it('sends each resource call to its route with the session token, as JSON', async () => {
    const api = await serve(() => [202, { operation }]);
    const session = new Session();
    session.signIn('t0k', { name: 'alice', roles: ['user'] });
    const client = new ApiClient(session, api.base);
    try {
      expect(await client.jobs.act({ action: 'hold', ids: [3, 4] })).toEqual({ operation });
      await client.nodes.act({ action: 'dead', names: ['node1'] });
      await client.nodes.create({ count: 2, cpus: 1, coresPerCpu: 4 });
      await client.jobs.submit({ command: 'sleep 1' });
      expect(api.seen.map((s) => `${s.method} ${s.url} ${s.body}`)).toEqual([
        'POST /api/jobs/actions {"action":"hold","ids":[3,4]}',
        'POST /api/nodes/actions {"action":"dead","names":["node1"]}',
        'POST /api/nodes {"count":2,"cpus":1,"coresPerCpu":4}',
        'POST /api/jobs {"command":"sleep 1"}',
      ]);
      expect(api.seen.every((s) => s.authorization === 'Bearer t0k' && s.contentType === 'application/json')).toBe(
        true,
      );
    } finally {
      await api.close();
    }
  });

  it('signs in with the roles the server answers', async () => {
    const api = await serve(() => [
      200,
      { token: 'abc', expiresAt: '2030-01-01T00:00:00Z', user: { name: 'ops', roles: ['admin'] } },
    ]);
    const session = new Session();
    try {
      await new ApiClient(session, api.base).login('ops', 'secret');
      expect(session.token).toBe('abc');
      expect(session.can('admin')).toBe(true);
      expect(JSON.parse(api.seen[0].body)).toEqual({ username: 'ops', password: 'secret' });
    } finally {
      await api.close();
    }
  });

  it("throws the API's message and signs out on 401", async () => {
    const api = await serve(() => [401, { statusCode: 401, error: 'Unauthorized', message: 'the token has expired' }]);
    const session = new Session();
    session.signIn('old', { name: 'alice', roles: ['user'] });
    try {
      await expect(new ApiClient(session, api.base).operations.list()).rejects.toMatchObject({
        status: 401,
        message: 'the token has expired',
      });
      expect(session.token).toBeUndefined();
      expect(api.seen[0].url).toBe('/api/operations');
    } finally {
      await api.close();
    }
  });
});
