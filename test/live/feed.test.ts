import { request } from 'node:http';
import Redis from 'ioredis';
import type { Job, Node } from '@oar-live/oar-client';
import { applyBatch, type Batch, type LiveEvent } from '@oar-live/shared';
import { EventLogService } from '../../apps/api/src/cluster/event-log.service';
import { LiveGateway } from '../../apps/api/src/live/live.gateway';
import { startFeedApi, Subscriber, type RunningApi } from './api';
import { testJob, uniquePrefix } from './support';

/**
 * The feed (Socket.IO, SSE, REST reads, replay) with batches appended directly: the poller lease is
 * held by a stranger so these APIs never poll, and every batch is the test's own.
 */
const job = (id: number, user = 'alice', state = 'Waiting'): Job => testJob(id, { user, state });
const node = (name: string, state = 'Alive'): Node => ({
  name,
  state,
  resources: [{ id: 1, state, jobIds: [] }],
  jobIds: [],
  properties: {},
  busyCores: 0,
  totalCores: 1,
});
const jobAdded = (id: number, user?: string): LiveEvent => ({ type: 'job.added', job: job(id, user) });

let prefix: string;
let redis: Redis;
let api: RunningApi;
const subscribers: Subscriber[] = [];
const append = (events: LiveEvent[]) => api.app.get(EventLogService).append(events) as Promise<Batch>;
const subscribe = (...args: ConstructorParameters<typeof Subscriber>) => {
  const subscriber = new Subscriber(...args);
  subscribers.push(subscriber);
  return subscriber;
};

const startFeed = () => startFeedApi(redis, prefix);

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
    })
      .on('error', reject)
      .end();
  });
}

/** Reads an SSE stream until `count` messages arrived, then hangs up. */
function sse(
  url: string,
  count: number,
  headers: Record<string, string> = {},
): Promise<{ id: string; event: string; data: unknown }[]> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE answered ${res.statusCode}`));
      let buffer = '';
      const messages: { id: string; event: string; data: unknown }[] = [];
      res.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) =>
            block
              .split('\n')
              .find((l) => l.startsWith(`${name}: `))
              ?.slice(name.length + 2);
          if (field('event'))
            messages.push({ id: field('id')!, event: field('event')!, data: JSON.parse(field('data')!) });
          if (messages.length === count) {
            req.destroy();
            resolve(messages);
          }
        }
      });
    });
    req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err))).end();
  });
}

beforeAll(async () => {
  redis = new Redis(process.env.REDIS_URL!);
});
afterAll(async () => {
  await redis.quit();
});
beforeEach(async () => {
  prefix = uniquePrefix('feed');
  api = await startFeed();
});
afterEach(async () => {
  for (const subscriber of subscribers.splice(0)) subscriber.close();
  await api.close();
});

describe('live feed', () => {
  it('sends a snapshot, then every batch live, and the batches rebuild the server snapshot', async () => {
    await append([{ type: 'node.added', node: node('node1') }]);
    const sub = subscribe(api.url);
    const [snapshot] = await sub.until(() => sub.snapshots.length && sub.snapshots, 'snapshot');
    expect(snapshot.seq).toBe(1);
    const sent = [
      await append([jobAdded(1)]),
      await append([{ type: 'node.changed', node: node('node1', 'Absent'), changed: ['state'] }]),
    ];
    await sub.until(() => sub.batches.length === 2, 'two batches');
    expect(sub.batches).toEqual(sent);
    const { body } = await get(`${api.url}/api/cluster`);
    expect(sub.batches.reduce(applyBatch, snapshot)).toEqual(JSON.parse(body));
  });

  it('replays exactly the missed batches to a reconnecting subscriber, then goes on live', async () => {
    await append([jobAdded(1)]);
    await append([jobAdded(2)]);
    const missed = [await append([jobAdded(3)]), await append([jobAdded(4)])];
    const sub = subscribe(api.url, { since: 2 });
    await sub.until(() => sub.batches.length === 2, 'replay');
    expect(sub.snapshots).toEqual([]);
    expect(sub.batches).toEqual(missed);
    const live = await append([jobAdded(5)]);
    await sub.until(() => sub.batches.length === 3, 'live batch');
    expect(sub.batches[2]).toEqual(live);
  });

  it('sends a snapshot instead when since is older than the replay window or ahead of the log', async () => {
    await append([jobAdded(1)]);
    await api.close();
    const log = (api = await startFeed()).app.get(EventLogService);
    log.retentionMs = -1;
    await append([jobAdded(2)]);
    for (const since of [0, 99]) {
      const sub = subscribe(api.url, { since });
      const [snapshot] = await sub.until(() => sub.snapshots.length && sub.snapshots, `snapshot for since ${since}`);
      expect(snapshot.seq).toBe(2);
      expect(sub.batches).toEqual([]);
    }
  });

  it('keeps seq increasing and the replay window intact across an API restart', async () => {
    const before = [await append([jobAdded(1)]), await append([jobAdded(2)])];
    await api.close();
    api = await startFeed();
    const after = await append([jobAdded(3)]);
    expect(after.seq).toBe(3);
    const sub = subscribe(api.url, { since: 0 });
    await sub.until(() => sub.batches.length === 3, 'replay across restart');
    expect(sub.batches).toEqual([...before, after]);
  });

  it('filters by topic and user on subscribe, and names what is wrong in a bad subscribe', async () => {
    const sub = subscribe(api.url);
    await sub.until(() => sub.snapshots.length, 'snapshot');
    const bad = await sub.socket.emitWithAck('subscribe', { topics: ['gossip'], colour: 'red' });
    expect(bad).toEqual({
      ok: false,
      error: expect.stringMatching(/topics\.0: must be one of nodes, jobs, source, operations.*colour/),
    });
    const good = await sub.socket.emitWithAck('subscribe', { topics: ['jobs'], user: 'bob' });
    expect(good).toEqual({ ok: true, subscription: { topics: ['jobs'], user: 'bob' } });
    await append([jobAdded(1, 'alice'), jobAdded(2, 'bob'), { type: 'node.added', node: node('node1') }]);
    const [batch] = await sub.until(() => sub.batches.length && sub.batches, 'filtered batch');
    expect(batch.events).toEqual([jobAdded(2, 'bob')]);
  });

  it('refuses sockets from foreign origins and bad since values, with the reason', async () => {
    const foreign = subscribe(api.url, {}, { Origin: 'http://evil.example' });
    expect((await foreign.connectError()).message).toBe('origin http://evil.example is not allowed');
    const own = subscribe(api.url, {}, { Origin: api.url });
    await own.until(() => own.snapshots.length, 'snapshot for own origin');
    const badSince = subscribe(api.url, { since: -3 });
    expect((await badSince.connectError()).message).toMatch(/auth\.since must be a non-negative integer/);
  });

  it('gives subscribers that connect during a fan-out every batch once, with no gap', async () => {
    api.app.get(LiveGateway).fanOutSliceMs = 0;
    const early = Array.from({ length: 20 }, () => subscribe(api.url));
    await Promise.all(early.map((sub) => sub.until(() => sub.snapshots.length, 'snapshot')));
    const late: Subscriber[] = [];
    const total = 30;
    for (let i = 1; i <= total; i++) {
      const appended = append([jobAdded(i)]);
      late.push(i % 3 === 0 ? subscribe(api.url) : subscribe(api.url, { since: Math.max(0, i - 2) }));
      await appended;
    }
    for (const sub of [...early, ...late]) {
      await sub.until(() => sub.batches.at(-1)?.seq === total || sub.snapshots.at(-1)?.seq === total, 'the last batch');
      const from = sub.snapshots[0]?.seq ?? sub.batches[0].seq - 1;
      expect(sub.batches.map((b) => b.seq)).toEqual(Array.from({ length: total - from }, (_, k) => from + 1 + k));
    }
  });

  it('pauses a subscriber that stops reading and resynchronises it with a snapshot once it reads again', async () => {
    const bulky = (i: number): LiveEvent => ({
      type: 'node.changed',
      node: {
        ...node('node1'),
        resources: Array.from({ length: 1500 }, (_, id) => ({ id, node: 'node1', state: `S${i}`, jobIds: [] })),
      },
      changed: ['resources'],
    });
    await append([bulky(0)]);
    const sub = subscribe(api.url, { since: 1 });
    await sub.connected();
    const tcp = (sub.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws
      ._socket;
    tcp.pause();
    const total = 300;
    for (let i = 1; i <= total; i++) await append([bulky(i)]);
    tcp.resume();
    const resync = await sub.until(() => sub.snapshots.find((s) => s.seq === total + 1), 'resync snapshot', 60_000);
    expect(sub.batches.length).toBeLessThan(total);
    expect(resync.nodes[0].resources[0].state).toBe(`S${total}`);
    const live = await append([jobAdded(1)]);
    expect(await sub.until(() => sub.batches.find((b) => b.seq === live.seq), 'live batch after resync')).toEqual(live);
  }, 120_000);

  it('refuses anonymous and bad-token subscribers when anonymous reads are off, on sockets and SSE', async () => {
    await api.close();
    api = await startFeedApi(redis, prefix, { OAR_LIVE_ANONYMOUS_READ: 'false' });
    const anonymous = subscribe(api.url);
    expect((await anonymous.connectError()).message).toMatch(/reading needs a login token/);
    const forged = subscribe(api.url, { token: 'not-a-token' });
    expect((await forged.connectError()).message).toBe('the token is invalid, expired or revoked');
    expect((await get(`${api.url}/api/events`)).status).toBe(401);
  });

  it('streams the same batches over SSE with ids, honouring Last-Event-ID and ?since=', async () => {
    const first = await append([jobAdded(1)]);
    const second = await append([jobAdded(2)]);
    const { epoch } = first;
    const fromStart = await sse(`${api.url}/api/events`, 1);
    expect(fromStart).toEqual([
      { id: `${epoch}:2`, event: 'snapshot', data: expect.objectContaining({ epoch, seq: 2 }) },
    ]);
    expect(await sse(`${api.url}/api/events?since=0`, 2)).toEqual([
      { id: `${epoch}:1`, event: 'changes', data: first },
      { id: `${epoch}:2`, event: 'changes', data: second },
    ]);
    const resumed = sse(`${api.url}/api/events`, 1, { 'Last-Event-ID': `${epoch}:2` });
    const third = await append([jobAdded(3)]);
    expect(await resumed).toEqual([{ id: `${epoch}:3`, event: 'changes', data: third }]);
    // Another history's position gets a snapshot of this one, never its batches.
    expect(await sse(`${api.url}/api/events`, 1, { 'Last-Event-ID': 'e0ther:1' })).toEqual([
      { id: `${epoch}:3`, event: 'snapshot', data: expect.objectContaining({ epoch, seq: 3 }) },
    ]);
    const bad = await get(`${api.url}/api/events?since=soon`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).message).toMatch(/since must be a non-negative integer/);
  });

  it('serves REST reads of the snapshot with filters, 404 for unknown names and 400 naming a bad filter', async () => {
    await append([
      { type: 'node.added', node: node('node1') },
      { type: 'node.added', node: node('node2', 'Absent') },
      jobAdded(1, 'alice'),
      jobAdded(2, 'bob'),
    ]);
    const json = async (path: string) => {
      const res = await get(`${api.url}${path}`);
      return { status: res.status, body: JSON.parse(res.body) as Record<string, unknown> & unknown[] };
    };
    expect((await json('/api/nodes?state=Absent')).body.map((n) => (n as Node).name)).toEqual(['node2']);
    expect((await json('/api/nodes?q=DE1')).body.map((n) => (n as Node).name)).toEqual(['node1']);
    expect((await json('/api/nodes/node2')).body).toEqual(node('node2', 'Absent'));
    expect((await json('/api/jobs?user=bob')).body).toEqual([job(2, 'bob')]);
    expect((await json('/api/jobs/1')).body).toEqual(job(1));
    const errors = await Promise.all(
      ['/api/nodes/node9', '/api/jobs/77', '/api/nodes?state=Sleepy', '/api/jobs?colour=red', '/api/jobs/abc'].map(
        json,
      ),
    );
    expect(errors.map((e) => [e.status, e.body.message])).toEqual([
      [404, 'node node9 not found'],
      // not in the snapshot, so read from OAR, which this API cannot reach
      [503, 'Job 77 could not be read: OAR did not answer. Try again in a moment.'],
      [400, expect.stringMatching(/^state\.0: must be one of Alive, Absent, Suspected, Dead/)],
      [400, expect.stringMatching(/colour/)],
      [400, expect.stringMatching(/^id: must be a positive integer job id/)],
    ]);
  });
});
