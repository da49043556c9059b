import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadFixtures } from '../../../test/support/oar-fixtures';
import { OarClient } from './client';
import {
  isTransient,
  OarBadRequestError,
  OarForbiddenError,
  OarHttpError,
  OarNotFoundError,
  OarProtocolError,
  OarRequestError,
  OarTimeoutError,
  OarUnauthorizedError,
  OarUnreachableError,
} from './errors';

/** The class a caller can test for, by OAR's status (the rest stay plain OarHttpError). */
const CLASS_OF_STATUS: Record<number, typeof OarHttpError> = {
  400: OarBadRequestError,
  401: OarUnauthorizedError,
  403: OarForbiddenError,
  404: OarNotFoundError,
};

const fixtures = loadFixtures();
const OAR_CONTENT_TYPE = 'application/json; charset=ISO-8859-1';

interface Reply {
  status: number;
  body: string | Buffer;
  contentType?: string;
}

/** A loopback HTTP server answering what `reply` says, recording each request (a stand-in for Apache + oarapi.pl). */
async function serve(
  reply: (url: URL) => Reply | null,
): Promise<{ url: string; seen: { url: URL; headers: IncomingHttpHeaders }[]; server: Server }> {
  const seen: { url: URL; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://127.0.0.1');
    seen.push({ url, headers: req.headers });
    const answer = reply(url);
    if (!answer) return; // never answers
    res.writeHead(answer.status, { 'Content-Type': answer.contentType ?? OAR_CONTENT_TYPE });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oarapi`, seen, server };
}
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const APACHE_401 = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>401 Unauthorized</title>
</head><body>
<h1>Unauthorized</h1>
<p>This server could not verify that you
are authorized to access the document
requested.  Either you supplied the wrong
credentials (e.g., bad password), or your
browser doesn't understand how to supply
the credentials required.</p>
<hr>
<address>Apache/2.4.62 (Debian) Server at 127.0.0.1 Port 6668</address>
</body></html>
`;

describe('OarClient over HTTP', () => {
  it.each(fixtures.filter((f) => f.kind === 'error').map((f) => [f.file, f]))(
    'error sample %s becomes an OarHttpError with OAR status, title and message',
    async (_file, fixture) => {
      const { url } = await serve(() => ({ status: fixture.body.code as number, body: fixture.bytes }));
      const error = await new OarClient({ baseUrl: url, auth: 'none' }).version().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OarHttpError);
      const expectedClass = CLASS_OF_STATUS[fixture.body.code as number] ?? OarHttpError;
      expect(error).toBeInstanceOf(expectedClass);
      expect((error as Error).name).toBe(expectedClass.name);
      expect(error).toMatchObject({
        status: fixture.body.code,
        title: fixture.body.title,
        message: [fixture.body.message].flat().join('\n'),
        request: 'GET /oarapi/version.json',
      });
      // every recorded error is the caller's fault, including OAR's 500s for a bad resource syntax or column
      expect(isTransient(error)).toBe(false);
    },
  );

  it("reads Apache's HTML 401 page into title and message", async () => {
    const { url } = await serve(() => ({
      status: 401,
      body: APACHE_401,
      contentType: 'text/html; charset=iso-8859-1',
    }));
    const error = await new OarClient({ baseUrl: url, auth: 'none' }).whoami().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OarUnauthorizedError);
    expect(error).toMatchObject({ status: 401, title: '401 Unauthorized' });
    expect((error as Error).message).toMatch(/^This server could not verify that you are authorized/);
  });

  it('answers 2xx with a body that is not JSON or not the right shape → OarProtocolError', async () => {
    const { url } = await serve((u) =>
      u.pathname.endsWith('version.json')
        ? { status: 200, body: '<html>maintenance</html>' }
        : { status: 200, body: '{"items":"nope"}' },
    );
    const oar = new OarClient({ baseUrl: url, auth: 'none' });
    await expect(oar.version()).rejects.toThrow(OarProtocolError);
    await expect(oar.version()).rejects.toThrow(/not JSON: <html>maintenance/);
    await expect(oar.resources.full()).rejects.toThrow(/items is not a list/);
  });

  it('decodes bodies as UTF-8 when they are, as Latin-1 (the label) otherwise', async () => {
    const utf8 = Buffer.from('{"authenticated_user":"café"}', 'utf8');
    const latin1 = Buffer.from('{"authenticated_user":"café"}', 'latin1');
    let body = utf8;
    const { url } = await serve(() => ({ status: 200, body }));
    const oar = new OarClient({ baseUrl: url, auth: 'none' });
    expect(await oar.whoami()).toBe('café');
    body = latin1;
    expect(latin1.length).toBe(utf8.length - 1);
    expect(await oar.whoami()).toBe('café');
  });

  describe('auth', () => {
    const whoami = () => ({ status: 200, body: '{"authenticated_user":"x"}' });

    it('ident sends X-Remote-Ident with the login of the call, nothing when anonymous', async () => {
      const { url, seen } = await serve(whoami);
      const oar = new OarClient({ baseUrl: url, auth: 'ident' });
      await oar.whoami({ as: 'alice' });
      await oar.whoami();
      expect(seen.map((s) => [s.headers['x-remote-ident'], s.headers.authorization])).toEqual([
        ['alice', undefined],
        [undefined, undefined],
      ]);
      expect(seen[0].headers.accept).toBe('application/json');
    });

    it('basic sends the password credentials() gives for the login', async () => {
      const { url, seen } = await serve(whoami);
      const oar = new OarClient({ baseUrl: url, auth: 'basic', credentials: (login) => `${login}pw` });
      await oar.whoami({ as: 'bob' });
      expect(seen[0].headers.authorization).toBe(`Basic ${Buffer.from('bob:bobpw').toString('base64')}`);
      expect(seen[0].headers['x-remote-ident']).toBeUndefined();
      const noPassword = new OarClient({ baseUrl: url, auth: 'basic', credentials: () => undefined });
      await expect(noPassword.whoami({ as: 'bob' })).rejects.toThrow(/no OAR password for login bob/);
    });

    it('calls without `as` use readAs, and stay anonymous without it', async () => {
      const { url, seen } = await serve(whoami);
      await new OarClient({ baseUrl: url, auth: 'basic', credentials: () => 'oarpw', readAs: 'oar' }).whoami();
      expect(seen[0].headers.authorization).toBe(`Basic ${Buffer.from('oar:oarpw').toString('base64')}`);
      await new OarClient({ baseUrl: url, auth: 'basic', credentials: () => 'oarpw' }).whoami();
      expect(seen[1].headers.authorization).toBeUndefined();
    });

    it('none sends no identity at all', async () => {
      const { url, seen } = await serve(whoami);
      await new OarClient({ baseUrl: url, auth: 'none' }).whoami({ as: 'alice' });
      expect([seen[0].headers['x-remote-ident'], seen[0].headers.authorization]).toEqual([undefined, undefined]);
    });

    it.each(['', 'alice bob', 'oar\r\nX-Evil: 1', 'élodie', '../oar'])(
      'refuses login %j before sending',
      async (login) => {
        const { url, seen } = await serve(whoami);
        const error = await new OarClient({ baseUrl: url, auth: 'ident' })
          .whoami({ as: login })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OarRequestError);
        expect(isTransient(error)).toBe(false);
        expect(seen).toHaveLength(0);
      },
    );
  });

  describe('pagination', () => {
    const items = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, network_address: `node${i + 1}`, state: 'Alive' }));
    const page = (u: URL, withNextLink: boolean) => {
      const limit = Number(u.searchParams.get('limit'));
      const offset = Number(u.searchParams.get('offset'));
      const next =
        offset + limit < items.length ? `/oarapi/resources/full.json?limit=${limit}&offset=${offset + limit}` : null;
      return {
        status: 200,
        body: JSON.stringify({
          items: items.slice(offset, offset + limit),
          total: items.length,
          offset,
          links: withNextLink && next ? [{ rel: 'next', href: next }] : [],
        }),
      };
    };

    it('follows rel=next links over every page', async () => {
      const { url, seen } = await serve((u) => page(u, true));
      const resources = await new OarClient({ baseUrl: url, auth: 'none', pageSize: 3 }).resources.full();
      expect(resources.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(seen.map((s) => s.url.searchParams.get('offset'))).toEqual(['0', '3', '6']);
    });

    it('maps a long page a thousand items per event-loop turn', async () => {
      const many = Array.from({ length: 2500 }, (_, i) => ({ id: i + 1 }));
      const { url } = await serve(() => ({ status: 200, body: JSON.stringify({ items: many, total: many.length }) }));
      let turn = 0;
      const tick = () => {
        turn += 1;
        ticker = setImmediate(tick);
      };
      let ticker = setImmediate(tick);
      const turns = await new OarClient({ baseUrl: url, auth: 'none', pageSize: 5000 })
        .all('resources', () => turn)
        .finally(() => clearImmediate(ticker));
      expect(new Set(turns.slice(0, 1000)).size).toBe(1);
      expect(turns[1000]).toBeGreaterThan(turns[999]);
      expect(new Set(turns.slice(1000, 2000)).size).toBe(1);
      expect(turns[2000]).toBeGreaterThan(turns[1999]);
    });

    it('falls back to offset/total when OAR gives no next link; `limit` per call', async () => {
      const { url, seen } = await serve((u) => page(u, false));
      const resources = await new OarClient({ baseUrl: url, auth: 'none' }).resources.full({ limit: 2 });
      expect(resources).toHaveLength(7);
      expect(seen.map((s) => s.url.searchParams.get('offset'))).toEqual(['0', '2', '4', '6']);
    });

    it('refuses a next link that loops or leaves the API origin', async () => {
      const looping = await serve(() => ({
        status: 200,
        body: JSON.stringify({
          items: [items[0]],
          total: 9,
          offset: 0,
          links: [{ rel: 'next', href: '/oarapi/resources/full.json?limit=500&offset=0' }],
        }),
      }));
      await expect(new OarClient({ baseUrl: looping.url, auth: 'none' }).resources.full()).rejects.toThrow(/loop/);
      const away = await serve(() => ({
        status: 200,
        body: JSON.stringify({ items: [], offset: 0, links: [{ rel: 'next', href: 'http://example.org/x' }] }),
      }));
      await expect(new OarClient({ baseUrl: away.url, auth: 'none' }).resources.full()).rejects.toThrow(
        OarProtocolError,
      );
    });
  });

  describe('failures on the way', () => {
    it('a server that never answers → OarTimeoutError after timeoutMs (transient)', async () => {
      const { url } = await serve(() => null);
      const oar = new OarClient({ baseUrl: url, auth: 'none', timeoutMs: 5000 });
      const error = await oar.version({ timeoutMs: 150 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OarTimeoutError);
      expect(error).toMatchObject({ timeoutMs: 150 });
      expect(isTransient(error)).toBe(true);
    });

    it('takes a timeout that is not a whole number of ms (a multiple of a measured mean)', async () => {
      const { url } = await serve(() => null);
      const error = await new OarClient({ baseUrl: url, auth: 'none' })
        .version({ timeoutMs: 150.4 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OarTimeoutError);
    });

    it("the caller's abort is the caller's, not a timeout", async () => {
      const { url } = await serve(() => null);
      const controller = new AbortController();
      const pending = new OarClient({ baseUrl: url, auth: 'none' }).version({ signal: controller.signal });
      controller.abort(new Error('shutting down'));
      await expect(pending).rejects.toThrow('shutting down');
    });

    it('a closed port → OarUnreachableError ECONNREFUSED (transient)', async () => {
      const { url, server } = await serve(() => null);
      await new Promise((resolve) => server.close(resolve));
      const error = await new OarClient({ baseUrl: url, auth: 'none' }).version().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OarUnreachableError);
      expect(error).toMatchObject({ code: 'ECONNREFUSED' });
      expect(isTransient(error)).toBe(true);
    });
  });

  it("asks for a time window as OAR's from/to epoch seconds", async () => {
    const { url, seen } = await serve(() => ({
      status: 200,
      body: JSON.stringify({ items: [], offset: 0, links: [] }),
    }));
    await new OarClient({ baseUrl: url, auth: 'none' }).jobs.details({
      state: ['Terminated', 'Error'],
      from: new Date('2026-12-05T03:00:00.500Z'),
      to: new Date('2026-12-05T04:00:00.500Z'),
    });
    const query = seen[0].url.searchParams;
    expect([query.get('state'), query.get('from'), query.get('to')]).toEqual([
      'Terminated,Error',
      String(Date.parse('2026-12-05T03:00:00Z') / 1000),
      String(Date.parse('2026-12-05T04:00:01Z') / 1000),
    ]);
  });

  it('refuses ids, node names and signals that cannot be an OAR path', async () => {
    const { url, seen } = await serve(() => ({ status: 200, body: '{}' }));
    const oar = new OarClient({ baseUrl: url, auth: 'ident' });
    await expect(oar.jobs.get(0)).rejects.toThrow(OarRequestError);
    await expect(oar.jobs.get(1.5)).rejects.toThrow(/job id must be a positive integer/);
    await expect(oar.resources.ofNode('node1/../x')).rejects.toThrow(/invalid node name/);
    await expect(oar.jobs.signal(1, 99)).rejects.toThrow(/signal must be/);
    expect(seen).toHaveLength(0);
  });
});

describe('isTransient', () => {
  const http = (status: number, message = 'x') => new OarHttpError(status, 't', message, 'GET /');
  it.each([
    [http(500, 'DBI connect failed'), true],
    [http(502), true],
    [http(503), true],
    [http(504), true],
    [
      http(500, 'Oarsub command exited with status 255: /!\\ Cannot recognize the resource description : nodes=abc'),
      false,
    ],
    [http(400), false],
    [http(401), false],
    [http(404), false],
    [new OarTimeoutError(1, 'GET /'), true],
    [new OarUnreachableError('ECONNRESET', 'GET /'), true],
    [new OarProtocolError('bad', 'GET /'), false],
    [new Error('bug'), false],
  ])('%s → %s', (error, transient) => expect(isTransient(error)).toBe(transient));
});
