import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OarClient } from '@oar-live/oar-client';
import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import { EMPTY_SOURCE } from '../../apps/api/src/cluster/event-log.service';
import { startApi, Subscriber, type RunningApi } from './api';
import { uniquePrefix } from './support';

/** OAR_AUTH=basic against the simulator's Apache-style /oarapi-priv, with passwords from OAR_CREDENTIALS. */
let sim: OarSim;
let api: RunningApi | undefined;
let subscriber: Subscriber | undefined;

const credentialsFile = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'oar-live-cred-')), 'credentials');
  writeFileSync(path, text, { mode: 0o600 });
  return path;
};

/** An API polling the simulator's /oarapi-priv with Basic auth and these credentials. */
const startBasicApi = (credentials: string) =>
  startApi({
    REDIS_KEY_PREFIX: uniquePrefix('basic'),
    OAR_API_URL: `${sim.url}-priv`,
    OAR_AUTH: 'basic',
    OAR_CREDENTIALS: credentialsFile(credentials),
    OAR_POLL_MS: '200',
  });

beforeAll(async () => {
  sim = await startOarSim({ host: '127.0.0.1', port: 0, nodes: 2, coresPerNode: 2, timeFactor: 4 });
});
afterEach(async () => {
  subscriber?.close();
  await api?.close();
  api = subscriber = undefined;
});
afterAll(() => sim.stop());

describe('OAR_AUTH=basic', () => {
  it('polls with the passwords of OAR_CREDENTIALS and reads a finished job as oar', async () => {
    api = await startBasicApi('oar:oarpw\n');
    subscriber = new Subscriber(api.url);
    const sub = subscriber;
    await sub.until(() => sub.snapshots.length, 'snapshot');
    const alice = new OarClient({ baseUrl: `${sim.url}-priv`, auth: 'basic', credentials: () => 'alicepw' });
    const { id } = await alice.jobs.submit({ command: 'exit 3', resources: '/nodes=1/core=1' }, { as: 'alice' });
    const removed = await sub.until(
      () =>
        sub.batches.flatMap((b) => b.events).find((e) => e.type === 'job.removed' && e.id === id) as
          { job: { state: string; exitCode?: number | null } } | undefined,
      `job ${id} removed`,
    );
    expect(removed.job).toMatchObject({ state: 'Terminated', exitCode: 3 });
    const statuses = sub.batches.flatMap((b) => b.events).filter((e) => e.type === 'source.status');
    expect(statuses.every((e) => e.type === 'source.status' && e.status === 'up')).toBe(true);
  });

  it('a wrong password shows OAR as down with its refusal, and nothing is removed', async () => {
    api = await startBasicApi('oar:wrong\n');
    subscriber = new Subscriber(api.url);
    const sub = subscriber;
    const down = await sub.until(
      () =>
        [...sub.snapshots.map((s) => s.source), ...sub.batches.flatMap((b) => b.events)].find(
          // Not the placeholder a subscriber may see before the first poll has ended.
          (e) => 'status' in e && e.status === 'down' && e.error !== EMPTY_SOURCE.error,
        ) as { error?: string; detail?: string } | undefined,
      'source down',
    );
    expect(down.error).toMatch(/^OAR refused oar-live's login \(HTTP 401\): check OAR_AUTH/);
    expect(down.detail).toMatch(/not authorized|could not verify/i);
    expect(sub.batches.flatMap((b) => b.events).some((e) => e.type.endsWith('.removed'))).toBe(false);
  });
});
