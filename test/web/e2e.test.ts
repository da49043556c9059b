/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { waitFor } from '../support/wait-for';
import { startApiProcess } from './support/api-process';
import { chooseScript, dashboardTile, openRoute, signIn as signInAs } from './support/app-page';
import { SCREENSHOT_DIR, type Browser } from './support/web-harness';
import { startSandboxE2e, stopSandboxE2e } from './support/sandbox-e2e';

const root = join(__dirname, '..', '..');
const sandbox = (command: 'stop-api' | 'start-api') =>
  execFileSync('bash', [join(root, 'scripts/oar-sandbox'), command], { stdio: ['ignore', 'ignore', 'inherit'] });
const FINAL = /^(Terminated|Error)$/;

/**
 * The web app end to end: Chromium → the real API (own process) → real Redis → the real OAR
 * sandbox. Run with the sandbox lock held (`flock /tmp/oar-live-sandbox.lock npx jest test/web/e2e`).
 */
describe('web app end to end (real API, Redis and OAR sandbox)', () => {
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  let browser: Browser;
  let page: Page;
  const run = Date.now().toString(36);

  beforeAll(async () => {
    ({ api, browser, page } = await startSandboxE2e([
      { name: 'alice', password: 'alice-e2e-pw', roles: ['user'], oarLogin: 'alice' },
      { name: 'root', password: 'root-e2e-pw', roles: ['admin'], oarLogin: 'oar' },
    ]));
  }, 180_000);

  afterAll(() => stopSandboxE2e({ api, browser }), 60_000);

  const signIn = (name: string, password: string) => signInAs(page, name, password);

  const go = (path: string) => openRoute(page, `${api.url}${path}`);

  const jobRow = (name: string): Locator => page.locator('oar-job-table tbody tr', { hasText: name });
  const stateOf = async (row: Locator) => (await row.locator('[data-col=state]').textContent())?.trim();
  const tile = (name: string) => dashboardTile(page, name);

  async function screenshot(name: string): Promise<void> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  }

  async function submitThroughForm(fill: () => Promise<void>): Promise<void> {
    await go('/jobs');
    await page.locator('summary', { hasText: 'Submit a job' }).click();
    await fill();
    await page.locator('oar-submit-form').getByRole('button', { name: 'Submit job' }).click();
    await page.locator('oar-submit-form oar-operation-status', { hasText: 'succeeded' }).waitFor();
  }

  it('shows the cluster: 4 Alive nodes with 8 cores', async () => {
    await go('/');
    await page.locator('oar-summary section[aria-label=Cores]', { hasText: /Total\s*8/ }).waitFor();
    for (const name of ['node1', 'node2', 'node3', 'node4'])
      expect(await waitFor(() => tile(name), { describe: `${name}'s tile` })).toMatchObject({
        state: 'Alive',
        shape: 'circle',
      });
  });

  it('a job submitted through the form appears without reload, turns Running, then ends', async () => {
    await go('/jobs');
    await signIn('alice', 'alice-e2e-pw');
    const name = `e2e-cmd-${run}`;
    await submitThroughForm(async () => {
      const form = page.locator('oar-submit-form');
      await form.getByLabel('Command', { exact: true }).fill('sleep 4');
      await form.getByLabel('Name').fill(name);
    });
    const row = jobRow(name);
    await row.locator('[data-col=state]', { hasText: 'Running' }).waitFor();
    await waitFor(async () => FINAL.test((await stateOf(row)) ?? ''), {
      describe: `${name} to end`,
      timeoutMs: 60_000,
    });
    expect(await stateOf(row)).toBe('Terminated');
  });

  it('an uploaded script runs to completion with exit code 0', async () => {
    const name = `e2e-script-${run}`;
    await submitThroughForm(async () => {
      const form = page.locator('oar-submit-form');
      await chooseScript(form, 'e2e.sh', '#!/bin/bash\necho "hello from oar-live e2e"\nsleep 1\n');
      await form.getByLabel('Name').fill(name);
    });
    const row = jobRow(name);
    await waitFor(async () => FINAL.test((await stateOf(row)) ?? ''), {
      describe: `${name} to end`,
      timeoutMs: 60_000,
    });
    expect(await stateOf(row)).toBe('Terminated');
    await row.click();
    await page.locator('oar-job-detail [data-field=exit-code]', { hasText: '0' }).waitFor();
  });

  it('selecting 3 jobs and cancelling them ends all three', async () => {
    const names = [1, 2, 3].map((i) => `e2e-cancel${i}-${run}`);
    for (const name of names)
      await submitThroughForm(async () => {
        const form = page.locator('oar-submit-form');
        await form.getByLabel('Command', { exact: true }).fill('sleep 300');
        await form.getByLabel('Name').fill(name);
      });
    for (const name of names) await jobRow(name).locator('[data-col=state]', { hasText: 'Running' }).waitFor();
    await capturePages('busy');

    await go('/jobs');
    for (const name of names) await jobRow(name).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Cancel selected' }).click();
    await page.locator('oar-confirm-dialog').getByRole('button', { name: 'Cancel jobs' }).click();
    for (const name of names)
      await waitFor(async () => FINAL.test((await stateOf(jobRow(name))) ?? ''), {
        describe: `${name} to end after cancel`,
        timeoutMs: 60_000,
      });
    await page.locator('oar-jobs-page oar-operation-status', { hasText: 'succeeded' }).waitFor();
    await captureEvents();
  });

  it('creating 2 nodes shows them', async () => {
    await go('/nodes');
    await signIn('root', 'root-e2e-pw');
    const form = page.locator('oar-node-create-form');
    await form.getByLabel('Count').fill('2');
    await form.getByLabel('Cores per node').fill('2');
    await form.getByLabel('Name prefix').fill('e2enode');
    await form.getByRole('button', { name: 'Create nodes' }).click();
    const rows = page.locator('oar-node-table tbody tr', { hasText: 'e2enode' });
    await waitFor(async () => (await rows.count()) === 2, { describe: 'two new node rows', timeoutMs: 60_000 });
    const created = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-node')!));
    await go('/');
    for (const name of created)
      expect(await waitFor(() => tile(name), { describe: `${name}'s tile` })).toMatchObject({ state: 'Alive' });
  });

  it('setting a node Absent changes its tile', async () => {
    await go('/nodes');
    await page.locator('oar-node-table').getByRole('checkbox', { name: 'Select node4' }).check();
    await page.getByRole('button', { name: 'Set Absent' }).click();
    await page.locator('oar-confirm-dialog').getByRole('button', { name: 'Set Absent' }).click();
    await page.locator('oar-node-table tr[data-node=node4] [data-col=state]', { hasText: 'Absent' }).waitFor();
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await waitFor(async () => (await tile('node4'))?.shape === 'ring', { describe: 'node4 drawn Absent' });
    expect(await tile('node4')).toMatchObject({ state: 'Absent', shape: 'ring' });
  });

  it('stopping the OAR API shows the stale banner on the wall; starting it clears the banner', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await go('/wall');
    expect(await page.locator('oar-stale-banner [role=alert]').count()).toBe(0);
    sandbox('stop-api');
    try {
      await page
        .locator('oar-stale-banner', {
          hasText: /OAR cannot be reached: the cluster shown is as last read\. Data is \d+ s old/,
        })
        .waitFor({ timeout: 90_000 });
      await screenshot('wall-stale-1920x1080');
    } finally {
      sandbox('start-api');
    }
    await page.locator('oar-stale-banner [role=alert]').waitFor({ state: 'detached', timeout: 90_000 });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  /** Screenshots of every page, light and dark, and the wall at 1920×1080 (dark and high contrast). */
  async function capturePages(label: string): Promise<void> {
    for (const theme of ['light', 'dark']) {
      await go(`/?theme=${theme}`);
      await screenshot(`dashboard-${theme}-${label}`);
      for (const [title, name] of [
        ['Jobs', 'jobs'],
        ['Nodes', 'nodes'],
        ['Operations', 'operations'],
      ]) {
        await page.locator('oar-app nav').getByRole('link', { name: title }).click();
        await page.locator(`oar-${name === 'operations' ? 'operations-list' : `${name}-page`}`).waitFor();
        await screenshot(`${name}-${theme}-${label}`);
      }
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
    for (const theme of ['dark', 'contrast']) {
      await go(`/wall?theme=${theme}`);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `wall-${theme}-${label}-1920x1080.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  /** The event feed holds what arrived since the page loaded: shot after activity, without a reload. */
  async function captureEvents(): Promise<void> {
    await page.locator('oar-app nav').getByRole('link', { name: 'Events' }).click();
    await page.locator('oar-event-feed tbody tr').first().waitFor();
    for (const theme of ['light', 'dark']) {
      await page.locator('oar-app header').getByLabel('Theme').selectOption(theme);
      await screenshot(`events-${theme}`);
    }
    await page.locator('oar-app header').getByLabel('Theme').selectOption('system');
  }
});
