import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resetOarSandbox } from '../support/oar-sandbox';

// scripts/oar-sandbox against the real OAR sandbox that global setup brought up.

const script = join(__dirname, '..', '..', 'scripts', 'oar-sandbox');
const api = (): string => process.env.OAR_SANDBOX_URL!;
const sandbox = (command: string) =>
  spawnSync('bash', [script, command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function getJson<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${api()}${path}`, { headers });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

interface List<T> {
  items: T[];
  total: number;
}

async function submit(login: string, command: string): Promise<number> {
  const response = await fetch(`${api()}/jobs.json`, {
    method: 'POST',
    headers: { 'X-Remote-Ident': login, 'Content-Type': 'application/json' },
    body: JSON.stringify({ resource: '/nodes=1/core=1,walltime=00:05:00', command }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: number }).id;
}

async function waitForState(id: number, state: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = await getJson<{ state: string }>(`/jobs/${id}.json`, { 'X-Remote-Ident': 'alice' });
    if (job.state === state) return;
    if (Date.now() > deadline) throw new Error(`job ${id} is ${job.state}, not ${state}, after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 200)); // polling OAR's state with a bound
  }
}

/** Job cpusets OAR's resource manager made (one per running job), e.g. alice_1. */
const jobCpusets = (): string[] => readdirSync('/sys/fs/cgroup/cpuset/oar').filter((name) => /_\d+$/.test(name));

describe('scripts/oar-sandbox', () => {
  beforeAll(() => resetOarSandbox());
  afterAll(() => {
    sandbox('start-api'); // in case a test stopped Apache and failed before starting it again
    resetOarSandbox();
  });

  it('status reports every part up and exits 0', () => {
    const { status, stdout } = sandbox('status');
    expect(status).toBe(0);
    for (const part of [
      'postgres   127.0.0.1:5432',
      'almighty   127.0.0.1:6666',
      'apache     127.0.0.1:6668',
      'node-sshd  127.0.0.14:6667',
    ]) {
      expect(stdout).toContain(`${part} up`);
    }
    expect(stdout).toContain(`api        ${api()} up`);
    expect(stdout).toMatch(/^resources {2}8 Alive$/m);
  });

  it('reset ends running and waiting jobs, brings resources back to 8 Alive, and restarts job ids at 1', async () => {
    const running = await submit('alice', 'sleep 300');
    await waitForState(running, 'Running');
    expect(jobCpusets()).toEqual([`alice_${running}`]);
    await submit('bob', 'sleep 300');
    const absent = await fetch(`${api()}/resources/3/state.json`, {
      method: 'POST',
      headers: { 'X-Remote-Ident': 'oar', 'Content-Type': 'application/json' },
      body: JSON.stringify({ state: 'Absent' }),
    });
    expect(absent.status).toBe(200);

    expect(sandbox('reset').stderr).toMatch(/reset took \d+(\.\d)? s/);

    const resources = await getJson<List<{ state: string }>>('/resources.json');
    expect(resources.items.map((r) => r.state)).toEqual(Array(8).fill('Alive'));
    expect((await getJson<List<unknown>>('/jobs.json')).total).toBe(0);
    expect(jobCpusets()).toEqual([]);
    const next = await submit('alice', 'true');
    expect(next).toBe(1);
    await waitForState(next, 'Terminated');
  });

  it("binds OAR's listeners (PostgreSQL, Almighty, node sshd, API) to 127.0.0.x only", () => {
    const listeners = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[3])
      .filter((address): address is string => /:(5432|6666|6667|6668)$/.test(address ?? ''))
      .sort();
    expect(listeners).toEqual([
      '127.0.0.11:6667',
      '127.0.0.12:6667',
      '127.0.0.13:6667',
      '127.0.0.14:6667',
      '127.0.0.1:5432',
      '127.0.0.1:6666',
      '127.0.0.1:6667',
      '127.0.0.1:6668',
    ]);
  });

  it("answers /oarapi-priv without credentials with Apache's HTML 401, and with Basic auth as that user only", async () => {
    const priv = api().replace(/\/oarapi$/, '/oarapi-priv');
    const anonymous = await fetch(`${priv}/whoami.json`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^text\/html/);
    const alice = await fetch(`${priv}/whoami.json`, {
      headers: { Authorization: `Basic ${Buffer.from('alice:alicepw').toString('base64')}`, 'X-Remote-Ident': 'oar' },
    });
    expect(((await alice.json()) as { authenticated_user: string }).authenticated_user).toBe('alice');
  });

  it('stop-api takes the API away (status says so) and start-api brings it back', async () => {
    expect(sandbox('stop-api').status).toBe(0);
    await expect(fetch(`${api()}/version.json`)).rejects.toThrow();
    const down = sandbox('status');
    expect(down.status).not.toBe(0);
    expect(down.stdout).toContain('apache     127.0.0.1:6668 down');
    expect(down.stdout).toContain('almighty   127.0.0.1:6666 up');

    expect(sandbox('start-api').status).toBe(0);
    expect((await getJson<{ oar_version: string }>('/version.json')).oar_version).toMatch(/^2\.5\.9/);
  });
});
