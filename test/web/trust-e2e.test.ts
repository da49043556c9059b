/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Job, Node } from '@oar-live/oar-client';
import type { Page } from 'playwright-core';
import { identClient } from '../oar-client/sandbox-clients';
import { resetOarSandbox } from '../support/oar-sandbox';
import { waitFor } from '../support/wait-for';
import { startApiProcess } from './support/api-process';
import { launchChromium, type Browser } from './support/web-harness';

const root = join(__dirname, '..', '..');

/**
 * What the operator sees is what OAR holds (issue 14), end to end: Chromium → the real API (own
 * process) → real Redis → the real OAR sandbox. Run under the sandbox lock.
 */
describe('trustworthy data in the browser (real API and OAR sandbox)', () => {
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  let browser: Browser;
  let page: Page;
  const oar = identClient();

  beforeAll(async () => {
    resetOarSandbox();
    execFileSync('npm', ['run', 'build', '-w', 'apps/web'], { cwd: root, stdio: 'ignore' });
    api = await startApiProcess(process.env.OAR_SANDBOX_URL!, [
      { name: 'alice', password: 'alice-trust-pw', roles: ['user'], oarLogin: 'alice' },
      { name: 'root', password: 'root-trust-pw', roles: ['admin'], oarLogin: 'oar' },
    ]);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.setDefaultTimeout(60_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    resetOarSandbox();
  }, 60_000);

  async function cluster(): Promise<{ nodes: Node[]; jobs: Job[] }> {
    return (await fetch(`${api.url}/api/cluster`)).json() as Promise<{ nodes: Node[]; jobs: Job[] }>;
  }

  /** Opens a route and waits until the app holds live data. */
  async function go(path: string): Promise<void> {
    await page.goto(`${api.url}${path}`);
    await page.waitForFunction(() => {
      const app = document.querySelector('oar-app') as unknown as {
        services?: { live: { connection: string; snapshot: unknown } };
      };
      return app?.services?.live.connection === 'connected' && app.services.live.snapshot !== null;
    });
  }

  const tile = (name: string) =>
    page.evaluate((n) => {
      const grid = document
        .querySelector('oar-app')!
        .shadowRoot!.querySelector('oar-dashboard-page')!
        .shadowRoot!.querySelector('oar-node-grid') as unknown as {
        tileAppearance(n: string): { busyCores: number; hatchedCores: number } | undefined;
      };
      return grid.tileAppearance(n);
    }, name);

  it('a waiting job behind a full-cluster job: its cores are planned, not busy, in /api/cluster, the grid and the Nodes table', async () => {
    const full = await oar.jobs.submit(
      { command: 'sleep 600', resources: '/nodes=4/core=2,walltime=00:20:00', name: 'fills-all' },
      { as: 'alice' },
    );
    const waiting = await oar.jobs.submit(
      { command: 'sleep 5', resources: '/nodes=1/core=1,walltime=00:01:00', name: 'behind' },
      { as: 'bob' },
    );
    const seen = await waitFor(
      async () => {
        const snapshot = await cluster();
        const job = snapshot.jobs.find((j) => j.id === waiting.id);
        const runs = snapshot.jobs.find((j) => j.id === full.id)?.state === 'Running';
        return runs && job?.plannedResourceIds?.length ? { snapshot, job } : undefined;
      },
      { describe: `job ${waiting.id} planned behind running job ${full.id} in /api/cluster`, timeoutMs: 45_000 },
    );
    expect(seen.job).toMatchObject({ state: 'Waiting', nodes: [], resourceIds: [] });
    expect(seen.job.plannedNodes).toHaveLength(1);
    expect(Date.parse(seen.job.scheduledStart!)).toBeGreaterThan(Date.now());
    const [plannedNode] = seen.job.plannedNodes!;
    for (const node of seen.snapshot.nodes) {
      expect({ node: node.name, jobIds: node.jobIds, busy: node.busyCores }).toEqual({
        node: node.name,
        jobIds: [full.id],
        busy: 2,
      });
      expect(node.plannedJobIds).toEqual(node.name === plannedNode ? [waiting.id] : undefined);
    }

    await go('/');
    const drawn = await waitFor(async () => (await tile(plannedNode))?.hatchedCores === 1 && tile(plannedNode), {
      describe: `${plannedNode}'s tile with its planned core hatched`,
    });
    expect(drawn).toMatchObject({ busyCores: 2, hatchedCores: 1 });

    await go('/nodes');
    const row = page.locator(`oar-node-table tbody tr[data-node=${plannedNode}]`);
    await row.locator('[data-col=planned]', { hasText: String(waiting.id) }).waitFor();
    expect((await row.locator('[data-col=jobs]').textContent())?.trim()).toBe(String(full.id));
  });
});
