/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Job } from '@oar-live/oar-client';
import { waitFor } from '../support/wait-for';
import { startSimE2e, stopSimE2e, runningJob, type SimE2e } from './support/sim-e2e';
import { openRoute, signIn } from './support/app-page';
import { expectNoAxeViolations } from './support/axe';
import { SCREENSHOT_DIR } from './support/web-harness';

/**
 * The operator's cockpit (issue 17) in Chromium → the real API (own process) → real Redis → oar-sim
 * with 6 nodes in two `cluster`s and 400 jobs that ended before the start: pages with URLs, shareable
 * filters, history, site properties, and the keyboard and focus rules, each page checked with axe.
 */
describe("operator's cockpit in Chromium (real API and Redis, oar-sim)", () => {
  let e2e: SimE2e | undefined;
  let api: SimE2e['api'];
  let page: Page;
  let running: number;

  beforeAll(async () => {
    e2e = await startSimE2e({ nodes: 6, coresPerNode: 2, clusters: 2, finishedJobs: 400 }, [
      { name: 'alice', password: 'alice-cockpit-pw', roles: ['user'], oarLogin: 'alice' },
    ]);
    ({ api, page } = e2e);
    running = await runningJob(
      e2e,
      { command: 'sleep 3600', resources: '/nodes=1/core=2,walltime=02:00:00', name: 'cockpit-run' },
      'alice',
    );
  }, 180_000);

  afterAll(() => stopSimE2e(e2e ?? {}), 60_000);

  const apiJob = async (id: number) => (await (await fetch(`${api.url}/api/jobs/${id}`)).json()) as Job;
  const go = (path: string) => openRoute(page, `${api.url}${path}`);
  const search = () => new URL(page.url()).searchParams;

  async function screenshot(name: string) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  }

  /** Focusable elements (Tab stops) inside each body row of the table `selector` (in some shadow root). */
  const tabStopsPerRow = (selector: string) =>
    page.evaluate((sel) => {
      const deep = (root: Document | ShadowRoot): Element[] =>
        Array.from(root.querySelectorAll('*')).flatMap((el) => [el, ...(el.shadowRoot ? deep(el.shadowRoot) : [])]);
      const table = deep(document).find((el) => el.matches(sel));
      if (!table) throw new Error(`no ${sel} on the page`);
      return Array.from(table.querySelectorAll('tbody tr:not(.group)')).map(
        (row) =>
          [row, ...Array.from(row.querySelectorAll('a, button, input, select, [tabindex]'))].filter(
            (el) => (el as HTMLElement).tabIndex >= 0,
          ).length,
      );
    }, selector);

  /** The element that has the focus, through shadow roots. */
  const focused = () =>
    page.evaluate(() => {
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el
        ? `${el.tagName.toLowerCase()}${el.getAttribute('data-job-id') ? `#${el.getAttribute('data-job-id')}` : ''} ${el.textContent?.trim().slice(0, 40)}`
        : '';
    });

  it('groups and filters nodes by a site property on /nodes and the dashboard, kept in the URL', async () => {
    await go('/nodes?group=cluster');
    const table = page.locator('oar-node-table');
    await table.locator('tr.group', { hasText: 'cluster = cluster1' }).waitFor();
    await table.locator('tr.group', { hasText: 'cluster = cluster2' }).waitFor();
    await expectNoAxeViolations(page);
    await table.getByLabel('Property').selectOption('cluster=cluster2');
    expect(search().get('property')).toBe('cluster=cluster2');
    await waitFor(async () => (await table.locator('tbody tr[data-node]').count()) === 3, {
      describe: 'the 3 nodes of cluster2',
    });
    expect(await tabStopsPerRow('table[aria-label=Nodes]')).toEqual([1, 1, 1]);
    // The link is the view: opened fresh, it shows the same filter.
    await go(`/nodes?${search()}`);
    await waitFor(async () => (await table.locator('tbody tr[data-node]').count()) === 3, {
      describe: 'the shared link to show cluster2 only',
    });
    expect(await table.locator('tbody tr[data-node]').allTextContents()).toEqual([
      expect.stringContaining('node4'),
      expect.stringContaining('node5'),
      expect.stringContaining('node6'),
    ]);

    await go('/?group=cluster');
    const dashboard = page.locator('oar-dashboard-page');
    await dashboard.getByRole('heading', { name: 'cluster = cluster1 · 3 nodes' }).waitFor();
    await dashboard.getByRole('heading', { name: 'cluster = cluster2 · 3 nodes' }).waitFor();
    expect(await dashboard.locator('oar-node-grid').count()).toBe(2);
    await expectNoAxeViolations(page);
  });

  it('/jobs/:id shows a running job: timings, resources linked to their nodes, every OAR field', async () => {
    await go(`/jobs/${running}`);
    const job = page.locator('oar-job-page');
    await job.getByRole('heading', { name: `Job ${running} · cockpit-run` }).waitFor();
    await job.locator('[data-field=state]', { hasText: 'Running' }).waitFor();
    expect(await job.locator('[data-field=remaining]').textContent()).toMatch(/of 02:00:00/);
    const node = (await apiJob(running)).nodes[0];
    await job.locator('[data-field=nodes]').getByRole('link', { name: node }).waitFor();
    await job.locator('[data-field=all-fields]', { hasText: 'wantedResources' }).waitFor();
    expect(await page.title()).toBe(`Job ${running} · oar-live`);
    await expectNoAxeViolations(page);
    await screenshot('job-page');

    // Its node's page: the cores, the job on them, the site property.
    await job.locator('[data-field=nodes]').getByRole('link', { name: node }).click();
    const nodePage = page.locator('oar-node-page');
    await nodePage.getByRole('heading', { name: `Node ${node}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/nodes/${node}`);
    await nodePage.locator('[data-field=cores]', { hasText: '2 of 2 busy' }).waitFor();
    await nodePage
      .locator('[data-field=running-jobs]')
      .getByRole('link', { name: String(running) })
      .waitFor();
    expect(await nodePage.locator('[data-field=resources] tbody tr').count()).toBe(2);
    expect(await nodePage.locator('[data-field=resources] thead').textContent()).toContain('cluster');
    await nodePage.locator('[data-field=history]', { hasText: 'Alive' }).waitFor();
    await expectNoAxeViolations(page);
    await screenshot('node-page');
  });

  it('a job that ended before the page was opened is read from the server, with its end and exit code', async () => {
    await go('/jobs/10'); // seeded: the 10th job ends in Error with exit code 1
    const job = page.locator('oar-job-page');
    await job.locator('[data-field=state]', { hasText: 'Error' }).waitFor();
    expect(await job.locator('[data-field=exit-code]').textContent()).toContain('1');
    expect(await job.locator('[data-field=ended]').textContent()).not.toContain('—');
    expect(await job.locator('[data-field=elapsed]').textContent()).toMatch(/\d+:\d\d/);
    await expectNoAxeViolations(page);
    await go('/jobs/999999');
    await job.getByRole('alert').filter({ hasText: 'job 999999 does not exist' }).waitFor();
  });

  it('/history finds finished jobs by user, state and name, pages them, and totals them per user and queue', async () => {
    await go('/history');
    const history = page.locator('oar-history-page');
    await history.locator('[data-field=total]', { hasText: '400 finished jobs' }).waitFor();
    expect(await history.locator('table[aria-label="Finished jobs"] tbody tr').count()).toBe(50);
    await history.locator('table[aria-label="Finished jobs per user"]', { hasText: 'alice' }).waitFor();
    await expectNoAxeViolations(page);
    await screenshot('history');
    expect(await tabStopsPerRow('table[aria-label="Finished jobs"]')).toEqual(new Array(50).fill(1));

    await history.getByRole('textbox', { name: 'User' }).fill('bob');
    await history.getByRole('combobox', { name: 'State' }).selectOption('Error');
    await history.getByRole('button', { name: 'Search' }).click();
    await history.locator('[data-field=total]', { hasText: '40 finished jobs' }).waitFor(); // every 10th job is bob's and ends in Error
    expect(search().get('user')).toBe('bob');
    expect(search().get('state')).toBe('Error');
    const states = await history.locator('tbody [data-col=state]').allTextContents();
    expect(new Set(states)).toEqual(new Set(['Error']));

    await go('/history?name=past-39');
    await history.locator('[data-field=total]', { hasText: /^\s*11 finished jobs/ }).waitFor(); // 39, 390…399
    await history.locator('tbody tr', { hasText: 'past-39' }).first().waitFor();
    await go('/history');
    await history.getByRole('button', { name: 'Next' }).click();
    await history.getByText('Page 2 of 8').waitFor();
    expect(search().get('offset')).toBe('50');
    // Enter on a row follows it to the job's page.
    const row = history.locator('table[aria-label="Finished jobs"] tbody tr').first();
    const id = await row.getAttribute('data-job-id');
    await row.focus();
    await page.keyboard.press('Enter');
    await page
      .locator('oar-job-page')
      .getByRole('heading', { name: new RegExp(`^Job ${id}`) })
      .waitFor();
  });

  it('keeps the jobs, operations and events filters in the URL', async () => {
    await go('/jobs?user=alice&state=Running&sort=name&dir=desc');
    const rows = page.locator('oar-job-table tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect(await page.locator('oar-job-table').getByLabel('State').inputValue()).toBe('Running');
    await page.locator('oar-job-table').getByLabel('User').selectOption('');
    expect(search().get('user')).toBeNull();
    expect(search().get('state')).toBe('Running');
    await expectNoAxeViolations(page);

    await go('/events?hide=node.changed,job.changed');
    expect(await page.locator('oar-event-feed').getByLabel('node.changed').isChecked()).toBe(false);
    expect(await page.locator('oar-event-feed').getByLabel('job.added').isChecked()).toBe(true);
    await page.locator('oar-event-feed').getByLabel('job.added').uncheck();
    expect(search().get('hide')).toBe('job.added,job.changed,node.changed');
    await expectNoAxeViolations(page);

    await go('/operations?state=failed');
    expect(await page.locator('oar-operations-list').getByLabel('State').inputValue()).toBe('failed');
    await expectNoAxeViolations(page);
  });

  it('focus: the job detail takes it and gives it back on Esc; sign-in and Submit move it to the work', async () => {
    await go('/jobs');
    expect(await tabStopsPerRow('table[aria-label=Jobs]')).toEqual([1]);
    const row = page.locator(`oar-job-table tr[data-job-id="${running}"]`);
    await row.focus();
    await page.keyboard.press('Enter');
    await page.locator('oar-job-detail').waitFor();
    expect(await focused()).toMatch(/^oar-job-detail /);
    await expectNoAxeViolations(page);
    await page.keyboard.press('Escape');
    await waitFor(async () => (await page.locator('oar-job-detail').count()) === 0, { describe: 'the panel closed' });
    expect(await focused()).toMatch(new RegExp(`^tr#${running} `));

    await signIn(page, 'alice', 'alice-cockpit-pw');
    expect(await focused()).toBe('h1 Jobs');
    // Signed in, the table rows get a checkbox each, and stay one Tab stop.
    await page.locator('oar-job-table input[type=checkbox]').first().waitFor();
    expect(await tabStopsPerRow('table[aria-label=Jobs]')).toEqual([1]);
    await row.focus();
    await page.keyboard.press(' ');
    expect(await page.locator(`oar-job-table tr[data-job-id="${running}"] input`).isChecked()).toBe(true);

    await page.locator('summary', { hasText: 'Submit a job' }).click();
    const form = page.locator('oar-submit-form');
    await form.getByRole('button', { name: 'Submit job' }).click();
    expect(await focused()).toMatch(/^textarea|^input/); // the first field to fix: the command
    await form.getByLabel('Command', { exact: true }).fill('sleep 1');
    await form.getByRole('button', { name: 'Submit job' }).click();
    await waitFor(async () => /^oar-operation-status/.test(await focused()), {
      describe: 'the focus on the submission status',
    });
    await expectNoAxeViolations(page);
  });

  it("the owner's job page offers its output, and says so plainly when OAR has no such file", async () => {
    await go(`/jobs/${running}`);
    const job = page.locator('oar-job-page');
    await job.getByRole('button', { name: 'Show the end of stdout' }).click();
    // oar-sim serves no files (/media): the API's 404 comes back as a sentence.
    await job.getByRole('alert').filter({ hasText: 'does not exist (yet)' }).waitFor();
  });
});
