/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import type { Page } from 'playwright-core';
import type { OarGantt } from '../../apps/web/src/components/oar-gantt';
import { waitFor } from '../support/wait-for';
import { startSimE2e, stopSimE2e, runningJob, type SimE2e } from './support/sim-e2e';
import { openRoute } from './support/app-page';
import { expectNoAxeViolations } from './support/axe';

/**
 * The Gantt in Chromium → the real API (own process) → real Redis → oar-sim with 6 nodes in two
 * `cluster`s: a bar opens its job's page (click, and Enter on the focused bar), and the rows group by
 * the site's properties, which the selector lists.
 */
describe('the Gantt in Chromium (real API and Redis, oar-sim with site properties)', () => {
  let e2e: SimE2e | undefined;
  let api: SimE2e['api'];
  let page: Page;
  let running: number;

  beforeAll(async () => {
    e2e = await startSimE2e({ nodes: 6, coresPerNode: 2, clusters: 2 }, [
      { name: 'alice', password: 'alice-gantt-pw', roles: ['user'], oarLogin: 'alice' },
    ]);
    ({ api, page } = e2e);
    running = await runningJob(
      e2e,
      { command: 'sleep 3600', resources: '/nodes=1/core=2,walltime=02:00:00', property: "host='node5'" },
      'alice',
    );
  }, 180_000);

  afterAll(() => stopSimE2e(e2e ?? {}), 60_000);

  const barPoint = (id: number) =>
    page.locator('oar-gantt').evaluate((el, jobId) => (el as unknown as OarGantt).barPoint(jobId), id);
  const openGantt = async () => {
    await openRoute(page, `${api.url}/gantt`);
    return waitFor(() => barPoint(running), { describe: `the bar of job ${running} drawn` });
  };
  const jobPageOpened = async () => {
    await page.waitForURL(`${api.url}/jobs/${running}`);
    await page.locator('oar-job-page h1', { hasText: `Job ${running}` }).waitFor();
  };

  it("opens the job's page from its bar: a click, and Enter on the focused bar", async () => {
    const point = await openGantt();
    await expectNoAxeViolations(page);
    await page.locator('oar-gantt canvas').click({ position: point });
    await jobPageOpened();
    await expectNoAxeViolations(page);

    await openGantt();
    const canvas = page.locator('oar-gantt canvas');
    await canvas.focus();
    await canvas.press(']');
    await page.locator('oar-gantt .sr', { hasText: `Job ${running} (alice)` }).waitFor();
    await canvas.press('Enter');
    await jobPageOpened();
  });

  it("groups the rows by a site property the selector lists (Resource.properties): the bar sits in its cluster's rows", async () => {
    await openGantt();
    const select = page.locator('oar-gantt-page select');
    const offered = await select.locator('option').allTextContents();
    expect(offered).toEqual(expect.arrayContaining(['node', 'cluster', 'cpu', 'host', 'type']));
    await select.selectOption('cluster');
    const grouped = await waitFor(
      async () => {
        const now = await page.locator('oar-gantt').evaluate((el, jobId) => {
          const { model } = el as unknown as OarGantt;
          return { groups: model.groups, runs: model.bars.get(jobId)?.runs };
        }, running);
        return now.groups[0]?.label.startsWith('cluster=') && now;
      },
      { describe: 'the rows grouped by cluster' },
    );
    expect(grouped.groups).toEqual([
      { label: 'cluster=cluster1', firstRow: 0, rowCount: 6 },
      { label: 'cluster=cluster2', firstRow: 6, rowCount: 6 },
    ]);
    // node5 is the second node of cluster2: its two cores are that group's rows 3 and 4.
    expect(grouped.runs).toEqual([[8, 9]]);
    await expectNoAxeViolations(page);

    // The grouped bar still opens its job.
    await page.locator('oar-gantt canvas').click({ position: (await barPoint(running))! });
    await jobPageOpened();
  });
});
