import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import { hashSync } from 'bcryptjs';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { io } from 'socket.io-client';
import { waitFor } from '../support/wait-for';
import { apiEnv, Client, startApiProcess, type ApiProcess } from './harness';

/** Login, tokens and read access through HTTP on the real app (OAR here is the simulator: nothing is mutated). */
describe('auth', () => {
  let sim: OarSim;
  const processes: ApiProcess[] = [];
  const start = async (overrides: Record<string, string> = {}) => {
    const env = apiEnv('auth', { OAR_API_URL: sim.url, ...overrides });
    const api = await startApiProcess(env);
    processes.push(api);
    return { api, client: new Client(api.url), env };
  };

  beforeAll(async () => {
    sim = await startOarSim({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    for (const api of processes) await api.stop();
    await sim?.stop();
  });

  it('logs in with the right password only, and never answers with a password or hash', async () => {
    const { client } = await start();
    const ok = await client.request('POST', '/api/auth/login', {
      body: { username: 'alice', password: 'alice-secret' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(String),
      user: { name: 'alice', roles: ['user'], oarLogin: 'alice' },
    });
    expect(Date.parse(ok.body.expiresAt)).toBeGreaterThan(Date.now());
    const wrong = await client.request('POST', '/api/auth/login', { body: { username: 'alice', password: 'nope' } });
    expect(wrong).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'wrong user name or password' },
    });
    const unknown = await client.request('POST', '/api/auth/login', { body: { username: 'mallory', password: 'x' } });
    expect(unknown.status).toBe(401);
    const missing = await client.request('POST', '/api/auth/login', { body: { username: 'alice' } });
    expect(missing).toMatchObject({
      status: 400,
      body: { error: 'Bad Request', message: expect.stringMatching(/^password: /) },
    });
    const bad = await client.request('GET', '/api/operations', { headers: { authorization: 'Bearer not-a-token' } });
    expect(bad.status).toBe(401);
  }, 90_000);

  it('answers a deeply nested body with a 400 naming the field, and a login with Cache-Control: no-store', async () => {
    const { api } = await start();
    const nested = await fetch(`${api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"username":${'['.repeat(20_000)}${']'.repeat(20_000)},"password":"x"}`,
    });
    expect(nested.status).toBe(400);
    expect(await nested.json()).toMatchObject({ statusCode: 400, message: 'username: must be a string' });
    const ok = await fetch(`${api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice-secret' }),
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
  }, 90_000);

  it('slows guessing of one account from one address, never locking out the right password from elsewhere', async () => {
    const { client } = await start({ OAR_LIVE_TRUST_PROXY: 'loopback' });
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const login = (username: string, password: string, address: string) =>
      client.request('POST', '/api/auth/login', { body: { username, password }, headers: from(address) });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login('bob', `guess${i}`, '10.6.6.6')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect((await login('bob', 'bob-secret', '10.6.6.6')).body).toMatchObject({
      statusCode: 429,
      message: expect.stringMatching(/^too many login attempts: wait \d+ s and try again$/),
    });
    expect((await login('bob', 'bob-secret', '10.0.0.1')).status).toBe(200);

    // Spraying many accounts from one address hits the address limit; other addresses are not affected.
    const spray: number[] = [];
    for (let i = 0; i < 101; i++) spray.push((await login(`nobody${i}`, 'x', '10.9.9.9')).status);
    expect(spray.slice(0, 100).every((status) => status === 401)).toBe(true);
    expect(spray[100]).toBe(429);
    expect((await login('alice', 'alice-secret', '10.0.0.2')).status).toBe(200);
  }, 90_000);

  it('ignores X-Forwarded-For unless OAR_LIVE_TRUST_PROXY trusts the peer', async () => {
    const { client } = await start();
    for (let i = 0; i < 6; i++)
      await client.request('POST', '/api/auth/login', { body: { username: 'bob', password: `guess${i}` } });
    const spoofed = await client.request('POST', '/api/auth/login', {
      body: { username: 'bob', password: 'bob-secret' },
      headers: { 'x-forwarded-for': '10.0.0.1' },
    });
    expect(spoofed.status).toBe(429);
  }, 90_000);

  it('closes reads to anonymous clients when OAR_LIVE_ANONYMOUS_READ=false, and picks up users added to the file', async () => {
    const { client, env } = await start({ OAR_LIVE_ANONYMOUS_READ: 'false' });
    const anonymous = await client.request('GET', '/api/operations');
    expect(anonymous).toMatchObject({
      status: 401,
      body: { message: expect.stringContaining('anonymous reads are disabled') },
    });
    expect((await client.request('GET', '/api/operations', { as: 'watcher' })).status).toBe(200);

    const hash = hashSync('carol-secret', 4);
    appendFileSync(env.OAR_LIVE_USERS, `  - ${JSON.stringify({ name: 'carol', password: hash, roles: ['viewer'] })}\n`);
    expect(readFileSync(env.OAR_LIVE_USERS, 'utf8')).toContain('carol');
    await waitFor(
      async () =>
        (await client.request('POST', '/api/auth/login', { body: { username: 'carol', password: 'carol-secret' } }))
          .status === 200,
      { describe: 'carol able to log in', intervalMs: 300 },
    );
  }, 90_000);

  it('ends the open socket and SSE stream of a user whose password changed, with a reason, and refuses the token', async () => {
    const { api, client, env } = await start();
    const token = await client.token('alice');
    const socket = io(`${api.url}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
    const ended = new Promise<{ reason: string }>((resolve) => socket.once('session.ended', resolve));
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await new Promise((resolve) => socket.once('snapshot', resolve));
    const sse = await fetch(`${api.url}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    const stream = sse.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    while (!received.includes('event: snapshot')) received += (await stream.read()).value ?? '';

    const newHash = hashSync('alice-new-secret', 4);
    const lines = readFileSync(env.OAR_LIVE_USERS, 'utf8').split('\n');
    const changed = lines.map((line) =>
      line.includes('"name":"alice"') ? line.replace(/\$2y\$[^"]+/, newHash) : line,
    );
    writeFileSync(env.OAR_LIVE_USERS, changed.join('\n'));

    const reason = expect.stringMatching(/^your login was revoked \(your password or roles changed/);
    expect(await ended).toEqual({ reason });
    expect(await disconnected).toBe('io server disconnect');
    for (let chunk = await stream.read(); !chunk.done; chunk = await stream.read()) received += chunk.value;
    const last = received.trim().split('\n\n').at(-1)!;
    expect(last.split('\n')[0]).toBe('event: session.ended');
    expect(JSON.parse(last.split('\n')[1].replace(/^data: /, ''))).toEqual({ reason });
    const refused = await client.request('GET', '/api/operations', { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
  }, 90_000);
});
