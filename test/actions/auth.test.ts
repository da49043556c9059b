import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import { hashSync } from 'bcryptjs';
import { appendFileSync, readFileSync } from 'node:fs';
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

  it('brakes password guessing on one account (429) without locking out the others', async () => {
    const { client } = await start();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push(
        (await client.request('POST', '/api/auth/login', { body: { username: 'bob', password: `guess${i}` } })).status,
      );
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    const limited = await client.request('POST', '/api/auth/login', {
      body: { username: 'bob', password: 'bob-secret' },
    });
    expect(limited).toMatchObject({
      status: 429,
      body: { statusCode: 429, message: expect.stringContaining('too many login attempts') },
    });
    expect(
      (await client.request('POST', '/api/auth/login', { body: { username: 'alice', password: 'alice-secret' } }))
        .status,
    ).toBe(200);
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
});
