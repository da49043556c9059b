import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { OarClient } from '@oar-live/oar-client';
import { resetOarSandbox } from '../support/oar-sandbox';
import { waitFor } from '../support/wait-for';

// `oar-sandbox scale` then `reset` on the real OAR (the caller holds /tmp/oar-live-sandbox.lock).

const script = join(__dirname, '..', '..', 'scripts', 'oar-sandbox');
const sandbox = (...args: string[]) =>
  spawnSync('bash', [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const oar = () => new OarClient({ baseUrl: process.env.OAR_SANDBOX_URL!, auth: 'ident', timeoutMs: 20_000 });

describe('oar-sandbox scale', () => {
  beforeAll(() => resetOarSandbox());
  afterAll(() => resetOarSandbox());

  it('adds Absent nodes no job goes to and an array of jobs; reset gives back the 4 × 2 cluster', async () => {
    const scaled = sandbox('scale', '--nodes', '20', '--cores', '4', '--jobs', '6');
    expect(scaled.stderr).toMatch(/scale to 20 extra nodes x 4 cores and 6 jobs took/);
    expect(scaled.status).toBe(0);

    const resources = await oar().resources.full({ limit: 1000 });
    expect(resources).toHaveLength(8 + 80);
    const extra = resources.filter((r) => r.node.startsWith('scale-node'));
    expect(new Set(extra.map((r) => r.node)).size).toBe(20);
    expect(extra.every((r) => r.state === 'Absent' && r.availableUpto === 0)).toBe(true);
    // Cores numbered across the cluster after node1..node4's 8, as oar_resources_add numbers them.
    expect(extra.map((r) => r.core)).toEqual(Array.from({ length: 80 }, (_, i) => 9 + i));

    // Six one-core jobs, eight Alive cores: every one gets cores (OAR starts them one step at a
    // time, slowly on a busy host), and only on node1..node4.
    let states = '';
    const jobs = await waitFor(
      async () => {
        const list = await oar().jobs.details();
        states = list.map((job) => job.state).join(',');
        return list.length === 6 && list.every((job) => job.nodes.length > 0) && list;
      },
      { timeoutMs: 120_000, describe: () => `the 6 array jobs placed (states: ${states})` },
    );
    expect(new Set(jobs.map((job) => job.arrayId)).size).toBe(1);
    expect(jobs.flatMap((job) => job.nodes).every((node) => /^node[1-4]$/.test(node))).toBe(true);

    expect(sandbox('reset').status).toBe(0);
    expect((await oar().resources.list()).map((r) => `${r.node}:${r.state}`)).toEqual(
      ['node1', 'node1', 'node2', 'node2', 'node3', 'node3', 'node4', 'node4'].map((n) => `${n}:Alive`),
    );
    expect(await oar().jobs.list()).toEqual([]);
  }, 240_000);

  it('refuses options that are not whole numbers, naming them', () => {
    const refused = sandbox('scale', '--nodes', 'many', '--cores', '4');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--nodes and --cores \(and --jobs\) take whole numbers, got 'many'/);
  });
});
