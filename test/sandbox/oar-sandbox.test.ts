import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { get, type RequestOptions } from 'node:http';
import { join } from 'node:path';
import { OarClient, OarUnreachableError, type JobState } from '@oar-live/oar-client';
import { resetOarSandbox } from '../support/oar-sandbox';

// scripts/oar-sandbox against the real OAR sandbox that global setup brought up. OAR is read
// through the project's OarClient: fetch refuses port 6668 (a Fetch-standard "bad port").

const script = join(__dirname, '..', '..', 'scripts', 'oar-sandbox');
const sandbox = (command: string) =>
  spawnSync('bash', [script, command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const api = (): string => process.env.OAR_SANDBOX_URL!;
const oar = (): OarClient => new OarClient({ baseUrl: api(), auth: 'ident', timeoutMs: 10_000 });
const privUrl = (): string => api().replace(/\/oarapi$/, '/oarapi-priv');

async function submit(login: string, command: string): Promise<number> {
  const job = await oar().jobs.submit({ resources: '/nodes=1/core=1,walltime=00:05:00', command }, { as: login });
  return job.id;
}

async function waitForState(id: number, state: JobState): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = await oar().jobs.get(id, { as: 'alice' });
    if (job.state === state) return;
    if (Date.now() > deadline) throw new Error(`job ${id} is ${job.state}, not ${state}, after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 200)); // polling OAR's state, bounded above
  }
}

/** A bare GET (no client in between, to see Apache's own answer). */
function rawGet(
  url: string,
  options: RequestOptions = {},
): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, options, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', body }),
      );
    }).on('error', reject);
  });
}

/** Pids of the processes other than this one that have FILE open. */
function processesHolding(file: string): string[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid) && pid !== String(process.pid))
    .filter((pid) => {
      try {
        return readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === file);
      } catch {
        return false; // the process ended meanwhile
      }
    });
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
    await oar().resources.setState(3, 'Absent', { as: 'oar' });
    expect((await oar().resources.get(3)).state).toBe('Absent');

    expect(sandbox('reset').stderr).toMatch(/reset took \d+(\.\d)? s/);

    expect((await oar().resources.full()).map((r) => r.state)).toEqual(Array(8).fill('Alive'));
    expect(await oar().jobs.list()).toEqual([]);
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
    const anonymous = await rawGet(`${privUrl()}/whoami.json`);
    expect([anonymous.status, anonymous.contentType]).toEqual([401, expect.stringMatching(/^text\/html/)]);
    const basic = new OarClient({
      baseUrl: privUrl(),
      auth: 'basic',
      credentials: (login) => ({ alice: 'alicepw' })[login],
    });
    expect(await basic.whoami({ as: 'alice' })).toBe('alice');
    // A client-sent X-Remote-Ident does not override the Basic login.
    const spoofed = await rawGet(`${privUrl()}/whoami.json`, {
      auth: 'alice:alicepw',
      headers: { 'X-Remote-Ident': 'oar' },
    });
    expect(JSON.parse(spoofed.body)).toMatchObject({ authenticated_user: 'alice' });
  });

  it('stop-api takes the API away (status says so) and start-api brings it back', async () => {
    expect(sandbox('stop-api').status).toBe(0);
    await expect(oar().version()).rejects.toBeInstanceOf(OarUnreachableError);
    const down = sandbox('status');
    expect(down.status).not.toBe(0);
    expect(down.stdout).toContain('apache     127.0.0.1:6668 down');
    expect(down.stdout).toContain('almighty   127.0.0.1:6666 up');

    // Started with an extra open descriptor, as under `flock LOCK cmd`: Apache must not keep it
    // (it would hold the caller's lock for as long as it runs).
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-fd-'));
    const inherited = join(dir, 'lock');
    const fd = openSync(inherited, 'w');
    try {
      const started = spawnSync('bash', [script, 'start-api'], { stdio: ['ignore', 'pipe', 'pipe', fd] });
      expect(started.status).toBe(0);
      expect(processesHolding(inherited)).toEqual([]);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await oar().version()).oarVersion).toMatch(/^2\.5\.9/);
  });
});
