import { io, type Socket } from 'socket.io-client';
import { freePort, removeRedisDir, startRedis, type RunningRedis } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { startProcess, terminate, waitForStatus, type Started } from './launcher';

/**
 * The built API (node apps/api/dist/main.js, as npm start runs it) with a Redis of its own that the
 * test can stop, and the embedded simulator.
 */
let redis: RunningRedis;
let api: Started;
let base: string;

const startApi = async (env: Record<string, string>) => {
  const port = await freePort();
  return { api: startProcess(process.execPath, ['apps/api/dist/main.js'], { PORT: String(port), ...env }), port };
};

beforeAll(async () => {
  redis = await startRedis();
  const started = await startApi({ REDIS_URL: redis.url });
  api = started.api;
  base = `http://127.0.0.1:${started.port}`;
  await waitForStatus(`${base}/api/health`, 200, 60_000);
});

afterAll(async () => {
  if (api.child.exitCode === null) await terminate(api);
  await redis.stop();
  removeRedisDir(redis.dir);
});

/** Reads a response body to its end (or its connection's end). */
async function drain(stream: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    while (!(await stream.read()).done);
  } catch {
    // The server closed the connection under it: ended all the same.
  }
}

const postJson = (path: string, body: string) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('operability of the built API', () => {
  it('exposes every oar-live metric in Prometheus text at /api/metrics', async () => {
    const res = await fetch(`${base}/api/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const name of [
      'oar_live_poll_duration_seconds',
      'oar_live_oar_errors_total',
      'oar_live_subscribers',
      'oar_live_batch_events',
      'oar_live_queue_depth',
      'oar_live_nodes',
      'oar_live_cores',
      'oar_live_jobs',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    // Health is 200 once OAR answered, before the first whole read that gives the node counts.
    await waitFor(
      async () => /^oar_live_nodes\{state="Alive"\} \d+$/m.test(await (await fetch(`${base}/api/metrics`)).text()),
      {
        describe: 'the Alive node count in /api/metrics',
      },
    );
  });

  it('publishes an OpenAPI document listing the routes at /api/docs-json, and its UI at /api/docs', async () => {
    const doc = (await (await fetch(`${base}/api/docs-json`)).json()) as {
      openapi: string;
      paths: Record<string, object>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/health',
        '/api/metrics',
        '/api/cluster',
        '/api/jobs',
        '/api/nodes',
        '/api/operations',
        '/api/auth/login',
      ]),
    );
    const ui = await fetch(`${base}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
  });

  it('answers a body over 1 MB with a 413 JSON error, malformed JSON with a 400 and an unknown body type with a 415, each saying so', async () => {
    const big = await postJson('/api/auth/login', JSON.stringify({ username: 'x', password: 'y'.repeat(1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: expect.stringMatching(/larger than the limit of 1048576 bytes/),
    });
    const malformed = await postJson('/api/auth/login', '{"username": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringMatching(/^malformed JSON in request body/),
    });
    const xml = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<login/>',
    });
    expect(xml.status).toBe(415);
    expect(await xml.json()).toEqual({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: expect.stringMatching(/application\/xml: send application\/json/),
    });
  });

  it('logs requests as JSON lines without credentials', async () => {
    const res = await fetch(`${base}/api/jobs`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer sekrit-token-4711',
        cookie: 'session=sekrit-cookie-4711',
        'x-remote-ident': 'oar',
      },
      body: JSON.stringify({ command: 'true' }),
    });
    expect(res.status).toBe(401);
    const line = await api.waitForOutput(/^\{.*"url":"\/api\/jobs".*\}$/m);
    const logged = JSON.parse(line[0]) as { req: { headers: Record<string, string> }; res: { statusCode: number } };
    expect(logged.res.statusCode).toBe(401);
    expect(logged.req.headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]' });
    // Stripped before anything reads the request, the log included.
    expect(logged.req.headers).not.toHaveProperty('x-remote-ident');
    expect(api.output()).not.toContain('sekrit');
  });

  it('answers unknown API paths with a JSON 404 and the web app routes with its index.html', async () => {
    const missing = await fetch(`${base}/api/no-such-thing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Cannot GET /api/no-such-thing',
    });
    for (const route of ['/', '/wall', '/nodes', '/jobs', '/events', '/operations']) {
      const page = await fetch(`${base}${route}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\//);
    }
  });

  it('turns 503 with the same shape while Redis is down, and 200 again once it is back', async () => {
    await redis.stop();
    const down = await waitForStatus(`${base}/api/health`, 503, 15_000);
    expect(down).toEqual({
      status: 'error',
      oar: { status: 'up' },
      redis: { status: 'down', message: expect.any(String) },
      stream: { epoch: expect.any(String), seq: expect.any(Number) },
    });
    redis = await startRedis({ dir: redis.dir, port: redis.port });
    expect(await waitForStatus(`${base}/api/health`, 200, 15_000)).toEqual({
      status: 'ok',
      oar: { status: 'up' },
      redis: { status: 'up' },
      stream: { epoch: expect.any(String), seq: expect.any(Number) },
    });
  });

  it('exits with code 0 within the 3 s the README promises on SIGTERM while its Redis is down, subscribers connected', async () => {
    const ownRedis = await startRedis();
    const { api: replica, port } = await startApi({ REDIS_URL: ownRedis.url });
    const replicaBase = `http://127.0.0.1:${port}`;
    let socket: Socket | undefined;
    try {
      await waitForStatus(`${replicaBase}/api/health`, 200, 60_000);
      socket = io(`${replicaBase}/live`, { transports: ['websocket'], reconnection: false });
      await new Promise<void>((resolve, reject) => {
        socket!.once('snapshot', () => resolve());
        socket!.once('connect_error', reject);
      });
      const sse = (await fetch(`${replicaBase}/api/events`)).body!.getReader();
      await sse.read();
      await ownRedis.stop();
      // Its connections are reconnecting now: what used to wait for Redis at shutdown.
      await waitForStatus(`${replicaBase}/api/health`, 503, 15_000);

      const { code, ms } = await terminate(replica);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(3000);
      expect(replica.stderr()).not.toContain('exiting anyway');
      await expect(drain(sse)).resolves.toBeUndefined();
    } finally {
      socket?.close();
      if (replica.child.exitCode === null) await terminate(replica);
      await ownRedis.stop();
      removeRedisDir(ownRedis.dir);
    }
  }, 120_000);

  it('turns 503 when OAR is unreachable', async () => {
    const closedPort = await freePort();
    const { api: unreachable, port } = await startApi({
      REDIS_URL: redis.url,
      OAR_API_URL: `http://127.0.0.1:${closedPort}/oarapi`,
    });
    try {
      expect(await waitForStatus(`http://127.0.0.1:${port}/api/health`, 503, 60_000)).toEqual({
        status: 'error',
        oar: { status: 'down', message: expect.any(String) },
        redis: { status: 'up' },
        stream: { epoch: expect.any(String), seq: expect.any(Number) },
      });
    } finally {
      await terminate(unreachable);
    }
  });

  it('shuts down on SIGTERM within the grace period, closing live sockets and SSE streams it holds open', async () => {
    const socket = io(`${base}/live`, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('snapshot', () => resolve());
      socket.once('connect_error', reject);
    });
    const disconnected = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    const sse = await fetch(`${base}/api/events`);
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = sse.body!.getReader();
    await stream.read();

    const { code, ms } = await terminate(api);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(3000);
    await disconnected;
    await expect(drain(stream)).resolves.toBeUndefined();
  });
});
