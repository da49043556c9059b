/**
 * oar-sim over HTTP against the recorded answers of the real OAR 2.5.9 (test/fixtures/oar):
 * same status codes, titles, key sets and value types, and OAR's quirks. The live side-by-side
 * comparison with the sandbox is test/contract.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shapeDiff } from '../../../test/support/json-shape';
import { startOarSim, type OarSim } from './sim';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/oar', `${name}.json`), 'utf8'));

let sim: OarSim;
const ident = (user: string) => ({ 'X-Remote-Ident': user });
const json = { 'Content-Type': 'application/json' };

async function call(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const res = await fetch(`${sim.url}${path}`, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Apache's HTML pages stay text.
  }
  return { status: res.status, headers: res.headers, body: body as Record<string, unknown> };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

beforeEach(async () => {
  sim = await startOarSim({ host: '127.0.0.1', port: 0, nodes: 4, coresPerNode: 2, timeFactor: 20 });
});
afterEach(() => sim.stop());

describe('oar-sim API', () => {
  it.each([
    ['/version.json', 'version'],
    ['/.json', 'root'],
    ['/timezone.json', 'timezone'],
    ['/whoami.json', 'whoami-anonymous'],
    ['/resources.json', 'resources-idle'],
    ['/resources/full.json', 'resources-full-idle'],
    ['/resources/details.json', 'resources-details-idle'],
    ['/resources/1.json', 'resource-1'],
    ['/resources/nodes/node1.json', 'resources-node-node1'],
    ['/jobs.json', 'jobs-idle'],
    ['/jobs/details.json', 'jobs-details-idle'],
    ['/index.json', 'error-unknown-uri-404'],
    ['/resources/9999.json', 'error-resource-unknown-id'],
    ['/jobs.json?structure=foo', 'error-bad-structure-406'],
  ])('GET %s answers like %s', async (path, sample) => {
    const { status, headers, body } = await call(path);
    const expected = fixture(sample) as { code?: number };
    expect(status).toBe(expected.code ?? 200);
    expect(headers.get('content-type')).toBe('application/json; charset=ISO-8859-1');
    expect(shapeDiff(expected, body)).toEqual([]);
    if (expected.code) expect(body.title).toBe((expected as { title: string }).title);
  });

  it('answers 406 without a format suffix unless Accept names one (as oarapi.pl does)', async () => {
    expect((await call('/jobs')).body.title).toBe('Invalid content type required */*');
    expect((await call('/jobs', { headers: { Accept: 'application/json' } })).status).toBe(200);
  });

  it("guards /oarapi-priv with Apache's Basic auth and ignores X-Remote-Ident there", async () => {
    const priv = (headers: Record<string, string>) =>
      fetch(`${sim.url}-priv/whoami.json`, { headers }).then(async (r) => ({ r, text: await r.text() }));
    const anonymous = await priv({});
    expect(anonymous.r.status).toBe(401);
    expect(anonymous.r.headers.get('www-authenticate')).toBe('Basic realm="OAR API authentication"');
    expect(anonymous.text).toContain('<title>401 Unauthorized</title>');
    const basic = (user: string, pw: string) => 'Basic ' + Buffer.from(`${user}:${pw}`).toString('base64');
    expect((await priv({ Authorization: basic('alice', 'wrong') })).r.status).toBe(401);
    const alice = await priv({ Authorization: basic('alice', 'alicepw'), 'X-Remote-Ident': 'oar' });
    expect(JSON.parse(alice.text).authenticated_user).toBe('alice');
  });

  it('pages lists with limit/offset and next/previous links, 500 items by default', async () => {
    const page = await call('/resources/full.json?limit=3&offset=3');
    expect(page.body.links).toEqual([
      { href: '/oarapi/resources/full.json?limit=3&offset=3', rel: 'self' },
      { href: '/oarapi/resources/full.json?limit=3&offset=6', rel: 'next' },
      { href: '/oarapi/resources/full.json?limit=3&offset=0', rel: 'previous' },
    ]);
    expect((page.body.items as Array<{ id: number }>).map((r) => r.id)).toEqual([4, 5, 6]);
    await sim.stop();
    sim = await startOarSim({ nodes: 300, coresPerNode: 2 });
    const big = await call('/resources.json');
    expect(big.body).toMatchObject({ total: 600, offset: 0 });
    expect(big.body.items).toHaveLength(500);
    expect(big.body.links).toContainEqual({ href: '/oarapi/resources.json?offset=500', rel: 'next' });
  });

  it('runs a submitted job to Terminated; it then leaves GET /jobs but GET /jobs/<id> still answers', async () => {
    const submit = await call('/jobs.json', {
      method: 'POST',
      headers: { ...ident('alice'), ...json },
      body: JSON.stringify({
        resource: '/nodes=1/core=1,walltime=00:05:00',
        command: 'echo start; sleep 4',
        name: 'api-cmd',
      }),
    });
    expect(submit.status).toBe(201);
    expect(shapeDiff(fixture('job-submit-command-response'), submit.body)).toEqual([]);
    const id = submit.body.id as number;
    expect(submit.headers.get('location')).toBe(`/oarapi/jobs/${id}`);

    const job = () => call(`/jobs/${id}.json`, { headers: ident('alice') });
    const running = await until(job, (r) => r.body.state === 'Running');
    expect(shapeDiff(fixture('job-running'), running.body)).toEqual([]);
    expect(running.body.initial_request).toBe(
      'oarsub --resource=/nodes=1/core=1,walltime=00:05:00 --name=api-cmd echo start; sleep 4',
    );
    const details = await call('/jobs/details.json');
    // The recorded list also holds a Hold job, not yet planned: no walltime or start yet.
    const unplanned = { nullable: ['items[].scheduled_start', 'items[].walltime'] };
    expect(shapeDiff(fixture('jobs-details-running'), details.body, unplanned)).toEqual([]);
    expect((details.body.items as Array<{ initial_request: string }>)[0].initial_request).toBe('');
    expect(shapeDiff(fixture('job-running-resources'), (await call(`/jobs/${id}/resources.json`)).body)).toEqual([]);
    expect(shapeDiff(fixture('resource-1-jobs'), (await call('/resources/1/jobs.json')).body)).toEqual([]);

    const done = await until(job, (r) => r.body.state === 'Terminated');
    // OAR drops scheduled_start from the Gantt a moment after the end (the sample was read later).
    expect(shapeDiff(fixture('job-terminated'), done.body, { nullable: ['scheduled_start'] })).toEqual([]);
    expect(done.body.exit_code).toBe(0);
    expect((await call('/jobs.json')).body).toEqual({ items: [], links: [], offset: 0, total: 0 });
    expect((await call('/jobs.json?state=Terminated')).body.total).toBe(1);
    // ids= names jobs whatever their state, as oarapi.pl drops its default state filter then.
    const named = await call(`/jobs/details.json?ids=${id}:9999`);
    expect((named.body.items as Array<{ id: number; state: string }>).map((j) => [j.id, j.state])).toEqual([
      [id, 'Terminated'],
    ]);
    expect((await call(`/jobs.json?ids=${id}&state=Running`)).body.total).toBe(0);
  });

  it('cancels a Waiting job (Error, "Job killed by Leon directly") and refuses other users', async () => {
    const post = (user: string, body: object) =>
      call('/jobs.json', { method: 'POST', headers: { ...ident(user), ...json }, body: JSON.stringify(body) });
    await post('alice', { resource: '/nodes=4/core=2', command: 'sleep 600' });
    const waiting = (await post('bob', { resource: '/nodes=4/core=2', command: 'sleep 5', name: 'api-big' })).body
      .id as number;
    const other = await call(`/jobs/${waiting}.json`, { method: 'DELETE', headers: ident('alice') });
    expect(other.status).toBe(400);
    expect(shapeDiff(fixture('error-delete-other-users-job'), other.body)).toEqual([]);
    const deleted = await call(`/jobs/${waiting}.json`, { method: 'DELETE', headers: ident('bob') });
    expect(deleted.status).toBe(202);
    expect(shapeDiff(fixture('job-delete-waiting-response'), deleted.body)).toEqual([]);
    const error = await until(
      () => call(`/jobs/${waiting}.json`, { headers: ident('bob') }),
      (r) => r.body.state === 'Error',
    );
    expect(error.body.message).toBe('Job killed by Leon directly');
    const gantt = { nullable: ['scheduled_start', 'walltime'] };
    expect(shapeDiff(fixture('job-deleted-waiting-job'), error.body, gantt)).toEqual([]);
  });

  it('creates resources (200), sets their state and deletes only Dead ones with Accept: application/json', async () => {
    const oar = { ...ident('oar'), ...json };
    const created = await call('/resources.json', {
      method: 'POST',
      headers: oar,
      body: JSON.stringify({ hostname: 'node5', host: 'node5', cpu: 5, core: 9, cpuset: 0 }),
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      ...(fixture('resource-create-response') as object),
      api_timestamp: created.body.api_timestamp,
    });
    const deleteIt = (headers: Record<string, string>) => call('/resources/9.json', { method: 'DELETE', headers });
    expect((await deleteIt(ident('oar'))).body.title).toBe('Invalid content type required */*');
    const notDead = await deleteIt({ ...ident('oar'), Accept: 'application/json' });
    expect([notDead.status, notDead.body.message]).toEqual([403, 'The resource 9 must be in the Dead status']);
    const state = await call('/resources/9/state.json', { method: 'POST', headers: oar, body: '{"state":"Dead"}' });
    expect(shapeDiff(fixture('resource-state-absent-response'), state.body)).toEqual([]);
    expect((await deleteIt({ ...ident('oar'), Accept: 'application/json' })).body.status).toBe('deleted');
    expect((await call('/resources/9.json')).status).toBe(404);
  });

  it.each([
    ['error-submit-unauthenticated-401', '/jobs.json', {}, { command: 'true' }],
    ['error-submit-unknown-user', '/jobs.json', ident('zed'), { command: 'true' }],
    [
      'error-submit-too-many-resources',
      '/jobs.json',
      ident('alice'),
      { resource: '/nodes=99/core=1,walltime=00:01:00', command: 'true' },
    ],
    [
      'error-submit-bad-resource-syntax',
      '/jobs.json',
      ident('alice'),
      { resource: '/nodes=abc/core=1,walltime=00:01:00', command: 'true' },
    ],
    [
      'error-submit-unknown-property',
      '/jobs.json',
      ident('alice'),
      { property: "gpu_model='A100'", resource: '/nodes=1,walltime=00:01:00', command: 'true' },
    ],
    ['error-submit-missing-command', '/jobs.json', ident('alice'), { resource: '/nodes=1' }],
    ['error-resource-create-unauthenticated-401', '/resources.json', {}, { hostname: 'n' }],
    ['error-resource-create-non-admin-401', '/resources.json', ident('alice'), { hostname: 'n' }],
    ['error-resource-create-system-property-403', '/resources.json', ident('oar'), { hostname: 'n', state: 'Alive' }],
    ['error-resource-create-missing-hostname-400', '/resources.json', ident('oar'), { cpu: 1 }],
    ['error-resource-state-bad-value-400', '/resources/1/state.json', ident('oar'), { state: 'Broken' }],
    ['error-resource-state-non-admin-401', '/resources/1/state.json', ident('alice'), { state: 'Dead' }],
  ])('POST answers like %s', async (sample, path, headers, body) => {
    const expected = fixture(sample) as { code: number; title: string; message: string };
    const res = await call(path, { method: 'POST', headers: { ...headers, ...json }, body: JSON.stringify(body) });
    expect([res.status, res.body.title]).toEqual([expected.code, expected.title]);
    expect(shapeDiff(expected, res.body)).toEqual([]);
  });

  it('answers 400 for malformed JSON, and the exact oarsub texts for bad resources', async () => {
    const post = (body: string) =>
      call('/jobs.json', { method: 'POST', headers: { ...ident('alice'), ...json }, body });
    expect((await post('{"command": ')).body.title).toBe('JSON data not understood');
    const syntax = await post(JSON.stringify({ resource: '/nodes=abc/core=1,walltime=00:01:00', command: 'true' }));
    expect(syntax.body.message).toBe((fixture('error-submit-bad-resource-syntax') as { message: string }).message);
    const tooMany = await post(JSON.stringify({ resource: '/nodes=99/core=1,walltime=00:01:00', command: 'true' }));
    expect(tooMany.body.message).toBe((fixture('error-submit-too-many-resources') as { message: string }).message);
  });

  it('holds each answer back by its read’s cost in the model, never less', async () => {
    await sim.stop();
    const cost = (requestMs: number, rowMs = 0, itemMs = 0) => ({ requestMs, rowMs, itemMs });
    sim = await startOarSim({
      host: '127.0.0.1',
      port: 0,
      nodes: 4,
      coresPerNode: 2,
      costs: {
        'resources/full': cost(0, 0, 40),
        resources: cost(150, 10),
        jobs: cost(0),
        'jobs/details': cost(0),
        'jobs/details?ids': cost(200),
        other: cost(120),
      },
    });
    const timed = async (path: string) => {
      const started = performance.now();
      expect((await call(path)).status).toBe(200);
      return performance.now() - started;
    };
    // 8 items × 40 ms; 150 ms + 8 rows × 10 ms; the ids read's own cost; anything else.
    expect(await timed('/resources/full.json')).toBeGreaterThanOrEqual(320 - 2);
    expect(await timed('/resources.json?limit=1')).toBeGreaterThanOrEqual(230 - 2);
    expect(await timed('/jobs/details.json?ids=1')).toBeGreaterThanOrEqual(200 - 2);
    expect(await timed('/version.json')).toBeGreaterThanOrEqual(120 - 2);
  });

  it('counts the requests it served', async () => {
    await call('/jobs.json');
    await call('/resources.json');
    await call('/resources/1.json');
    expect(sim.requestCount()).toBe(3);
    expect(sim.requestCount({ pathPrefix: '/oarapi/resources' })).toBe(2);
    expect(sim.requestCount({ method: 'POST' })).toBe(0);
  });
});
