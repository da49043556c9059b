/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { identClient, waitForJobState } from '../oar-client/sandbox-clients';
import { startApiProcess } from './support/api-process';
import { openRoute, signIn } from './support/app-page';
import { expectNoAxeViolations } from './support/axe';
import { SCREENSHOT_DIR, type Browser } from './support/web-harness';
import { startSandboxE2e, stopSandboxE2e } from './support/sandbox-e2e';

/**
 * The cockpit on the real OAR sandbox (issue 17): a job that ended is found by its URL and in the
 * history, its owner reads the end of its output through OAR's /media, and a node's page shows its
 * cores and the job running on them. Chromium → the real API → real Redis → OAR. Run under the lock.
 */
describe("operator's cockpit on the real OAR sandbox", () => {
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  let browser: Browser;
  let page: Page;
  const oar = identClient();
  const run = Date.now().toString(36);

  beforeAll(async () => {
    ({ api, browser, page } = await startSandboxE2e(
      [{ name: 'alice', password: 'alice-cockpit-pw', roles: ['user'], oarLogin: 'alice' }],
      { axe: true },
    ));
  }, 180_000);

  afterAll(() => stopSandboxE2e({ api, browser }), 60_000);

  const go = (path: string) => openRoute(page, `${api.url}${path}`);

  it('a job that ended is found by its URL on a fresh page, with its output for its owner, and in the history', async () => {
    const { id } = await oar.jobs.submit(
      { command: `echo cockpit-${run}`, resources: '/nodes=1/core=1,walltime=00:02:00', name: `ended-${run}` },
      { as: 'alice' },
    );
    await waitForJobState(oar, id, ['Terminated', 'Error'], 'alice');
    // A fresh page: its store never saw the job, so the page has it from the API (OAR's record).
    await page.goto('about:blank');
    await go(`/jobs/${id}`);
    const job = page.locator('oar-job-page');
    await job.getByRole('heading', { name: `Job ${id} · ended-${run}` }).waitFor();
    await job.locator('[data-field=state]', { hasText: 'Terminated' }).waitFor();
    expect((await job.locator('[data-field=exit-code]').textContent())?.trim()).toBe('0');
    expect(await job.locator('[data-field=ended]').textContent()).not.toContain('—');
    await job.locator('[data-field=events]').waitFor();

    await signIn(page, 'alice', 'alice-cockpit-pw');
    await job.getByRole('button', { name: 'Show the end of stdout' }).click();
    await job.locator('[data-field=output]', { hasText: `cockpit-${run}` }).waitFor();
    await expectNoAxeViolations(page);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'sandbox-job-page.png'), fullPage: true });

    await go(`/history?user=alice&name=ended-${run}`);
    const history = page.locator('oar-history-page');
    await history.locator(`tbody tr[data-job-id="${id}"]`, { hasText: 'Terminated' }).waitFor();
    await history.locator('[data-field=total]', { hasText: '1 finished jobs' }).waitFor();
    await expectNoAxeViolations(page);
  }, 150_000);

  it("a node's page shows the node's cores and the job running on them", async () => {
    const { id } = await oar.jobs.submit(
      { command: 'sleep 300', resources: '/nodes=1/core=2,walltime=00:10:00', name: `runs-${run}` },
      { as: 'alice' },
    );
    await waitForJobState(oar, id, ['Running'], 'alice');
    // GET /jobs/<id> names no resources: the details do.
    const running = await oar.jobs.getDetails(id, { as: 'alice' });
    expect(running.nodes).toHaveLength(1);
    expect(running.resourceIds).toHaveLength(2);
    const node = running.nodes[0];
    await go(`/nodes/${node}`);
    const nodePage = page.locator('oar-node-page');
    await nodePage.locator('[data-field=cores]', { hasText: '2 of 2 busy' }).waitFor();
    const rows = nodePage.locator('[data-field=resources] tbody tr');
    expect(await rows.count()).toBe(2);
    for (const resourceId of running.resourceIds)
      await nodePage
        .locator(`[data-field=resources] tr[data-resource="${resourceId}"] [data-col=jobs]`, { hasText: String(id) })
        .waitFor();
    await nodePage
      .locator('[data-field=running-jobs]')
      .getByRole('link', { name: String(id) })
      .waitFor();
    await expectNoAxeViolations(page);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'sandbox-node-page.png'), fullPage: true });
    await oar.jobs.cancel(id, { as: 'alice' });
  }, 150_000);
});
