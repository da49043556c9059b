/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import type { Job, Node } from '@oar-live/oar-client';
import type { Operation, Snapshot } from '@oar-live/shared';
import type { Page } from 'playwright-core';
import { batch, makeJob, makeNode, makeSnapshot } from './support/live-fixtures';
import { signInBeforeLoad, startWebFixture, type WebFixture } from './support/web-fixture';
import { expectNoAxeViolations } from './support/axe';
import { waitFor } from '../support/wait-for';

function operation(id: string, kind: string): Operation {
  const at = new Date().toISOString();
  return { id, kind, state: 'queued', user: 'x', input: {}, attempts: 0, createdAt: at, updatedAt: at, targets: [] };
}

/**
 * Acting on what the operator sees (issue 14, defects 3, 6, 7, 8) in Chromium, against a scripted
 * /live socket and scripted REST answers: the requests the page sends are the assertions.
 */
describe('actions in the web app (Chromium, scripted server)', () => {
  let web: WebFixture;
  let page: Page;

  beforeAll(async () => {
    web = await startWebFixture();
  });
  afterAll(async () => web?.stop());
  beforeEach(async () => {
    page = await web.newPage();
    web.api.requests.length = 0;
  });
  afterEach(async () => {
    await page.close();
    expect(web.pageErrors).toEqual([]);
  });

  async function open(path: string, snapshot: Snapshot) {
    await page.goto(`${web.server.url}${path}`);
    const connection = await web.server.nextConnection();
    connection.socket.emit('snapshot', snapshot);
    return connection;
  }

  const sentBodies = (path: string) => web.api.sent('POST', path).map((r) => JSON.parse(r.body) as unknown);
  const sentOnce = (path: string, count = 1) =>
    waitFor(() => web.api.sent('POST', path).length === count, {
      describe: `request ${count} to ${path}`,
      intervalMs: 20,
    });
  const dialog = () => page.locator('oar-confirm-dialog dialog');
  const checked = (table: string) =>
    page.$$eval(`${table} tbody input[type=checkbox]`, (boxes) =>
      boxes.filter((b) => (b as HTMLInputElement).checked).map((b) => b.getAttribute('aria-label')),
    );

  describe('jobs', () => {
    const jobs: Job[] = [
      makeJob(1, { user: 'alice', state: 'Running' }),
      makeJob(2, { user: 'alice', state: 'Waiting' }),
      makeJob(3, { user: 'alice', state: 'Waiting' }),
      makeJob(4, { user: 'bob', state: 'Waiting' }),
    ];
    const snapshot: Snapshot = { ...makeSnapshot(2, 2, 1), jobs };

    it("offers only what the user may do: no box on another user's or an ended job, Hold only for Waiting jobs", async () => {
      await signInBeforeLoad(page, 'alice', ['user']);
      const live = await open('/jobs', snapshot);
      await page.locator('oar-job-table tbody tr').first().waitFor();
      live.socket.emit('changes', batch(2, [{ type: 'job.removed', id: 3, job: { ...jobs[2], state: 'Error' } }]));
      await page.locator('oar-job-table tr[data-job-id="3"] [data-col=state]', { hasText: 'Error' }).waitFor();
      const boxes = await page.$$eval('oar-job-table tbody input[type=checkbox]', (b) =>
        b.map((x) => x.getAttribute('aria-label')),
      );
      expect(boxes.sort()).toEqual(['Select job 1', 'Select job 2']);
      await page.locator('oar-job-table input[aria-label="Select job 1"]').check();
      expect(await page.getByRole('button', { name: 'Hold selected' }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Resume selected' }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Cancel selected' }).isEnabled()).toBe(true);
      await page.locator('oar-job-table input[aria-label="Select job 2"]').check();
      expect(await page.getByRole('button', { name: 'Hold selected' }).isEnabled()).toBe(true);
    });

    it('acts only on the selected jobs on screen, says so, states the impact, then clears the selection', async () => {
      await signInBeforeLoad(page, 'alice', ['user']);
      web.api.on('POST', '/api/jobs/actions', () => [202, { operation: operation('op-jobs', 'job.hold') }]);
      await open('/jobs', snapshot);
      const table = page.locator('oar-job-table');
      await table.locator('input[aria-label="Select job 1"]').check();
      await table.locator('label', { hasText: 'State' }).locator('select').selectOption('Waiting');
      await table.getByRole('checkbox', { name: 'Select all shown jobs' }).check();
      expect(await table.locator('[data-field=selection]').textContent()).toBe(
        '2 selected (1 more hidden by the filter or paging: not included)',
      );
      await table.getByRole('button', { name: 'Cancel selected' }).click();
      await dialog().getByText('Cancel 2 jobs (2 of alice)?').waitFor();
      expect(await dialog().locator('li').allTextContents()).toEqual([
        'Job 3 of alice (Waiting): sleep 3',
        'Job 2 of alice (Waiting): sleep 2',
      ]);
      await expectNoAxeViolations(page);
      await dialog().getByRole('button', { name: 'Cancel jobs' }).click();
      await sentOnce('/api/jobs/actions');
      expect(sentBodies('/api/jobs/actions')).toEqual([{ action: 'cancel', ids: [3, 2] }]);
      expect(await checked('oar-job-table')).toEqual([]);
      await table.locator('label', { hasText: 'State' }).locator('select').selectOption('');
      expect(await checked('oar-job-table')).toEqual([]);
      await expectNoAxeViolations(page);
    });
  });

  describe('nodes', () => {
    // node3 runs job 3 (makeSnapshot puts a job on every third node).
    const snapshot = () => makeSnapshot(4, 2, 1);
    const nodeChanged = (node: Node) => ({ type: 'node.changed' as const, node });

    it('an action does not also act on nodes still ticked from an earlier one; the dialog names the busy nodes', async () => {
      await signInBeforeLoad(page, 'root', ['admin']);
      web.api.on('POST', '/api/nodes/actions', () => [202, { operation: operation('op-nodes', 'node.state') }]);
      const live = await open('/nodes', snapshot());
      const table = page.locator('oar-node-table');
      await table.locator('input[aria-label="Select node2"]').check();
      await table.locator('input[aria-label="Select node3"]').check();
      await table.getByRole('button', { name: 'Set Absent' }).click();
      await dialog().getByText('Set Absent: node2, node3?').waitFor();
      expect(await dialog().locator('li').allTextContents()).toEqual(['node3 still runs 1 job (3)']);
      await dialog().getByRole('button', { name: 'Set Absent' }).click();
      await sentOnce('/api/nodes/actions');
      live.socket.emit(
        'changes',
        batch(2, [
          nodeChanged(makeNode('node2', { state: 'Absent', firstId: 3 })),
          nodeChanged(makeNode('node3', { state: 'Absent', busy: 2, jobId: 3, firstId: 5 })),
        ]),
      );
      await table.locator('tr[data-node=node2] [data-col=state]', { hasText: 'Absent' }).waitFor();
      expect(await checked('oar-node-table')).toEqual([]);
      await table.locator('input[aria-label="Select node2"]').check();
      await table.getByRole('button', { name: 'Set Alive' }).click();
      await dialog().getByRole('button', { name: 'Set Alive' }).click();
      await sentOnce('/api/nodes/actions', 2);
      expect(sentBodies('/api/nodes/actions')).toEqual([
        { action: 'absent', names: ['node2', 'node3'] },
        { action: 'alive', names: ['node2'] },
      ]);
    });

    it('retires a busy node only by draining it or by "retire and kill" with its jobs listed', async () => {
      await signInBeforeLoad(page, 'root', ['admin']);
      web.api.on('POST', '/api/nodes/actions', () => [202, { operation: operation('op-retire', 'node.delete') }]);
      const live = await open('/nodes', { ...snapshot(), jobs: [makeJob(3, { state: 'Running', nodes: ['node3'] })] });
      const table = page.locator('oar-node-table');
      await table.locator('input[aria-label="Select node3"]').check();
      expect(await table.getByRole('button', { name: 'Retire', exact: true }).isDisabled()).toBe(true);
      await table.getByRole('button', { name: 'Retire and kill jobs…' }).click();
      await dialog().getByText('Retire node3 and kill the 1 job running there?').waitFor();
      expect(await dialog().locator('li').allTextContents()).toEqual([
        'Job 3 of alice (Running): sleep 3 — will be killed',
      ]);
      await dialog().getByRole('button', { name: 'Cancel' }).click();

      // Drain: Absent, the jobs left are shown, retire once there are none.
      live.socket.emit(
        'changes',
        batch(2, [nodeChanged(makeNode('node3', { state: 'Absent', busy: 2, jobId: 3, firstId: 5 }))]),
      );
      const draining = page.locator('oar-drain-list li[data-node=node3]');
      await draining.getByText('1 job left (3)').waitFor();
      expect(await draining.getByRole('button', { name: 'Retire node3' }).isDisabled()).toBe(true);
      await expectNoAxeViolations(page);
      live.socket.emit('changes', batch(3, [nodeChanged(makeNode('node3', { state: 'Absent', firstId: 5 }))]));
      await draining.getByText('no job left').waitFor();
      await draining.getByRole('button', { name: 'Retire node3' }).click();
      await dialog().getByRole('button', { name: 'Retire (set Dead, then delete)' }).click();
      await sentOnce('/api/nodes/actions');

      await table.locator('input[aria-label="Select node4"]').check();
      live.socket.emit(
        'changes',
        batch(4, [nodeChanged(makeNode('node4', { state: 'Alive', busy: 1, jobId: 9, firstId: 7 }))]),
      );
      await table.getByRole('button', { name: 'Retire and kill jobs…' }).click();
      await dialog().getByRole('button', { name: 'Retire and kill 1 job' }).click();
      await sentOnce('/api/nodes/actions', 2);
      expect(sentBodies('/api/nodes/actions')).toEqual([
        { action: 'delete', names: ['node3'] },
        { action: 'delete', names: ['node4'], force: true },
      ]);
    });
  });

  describe('submit form and a script with #OAR directives', () => {
    it('previews the directives and sends only the fields the user set (never NaN)', async () => {
      await signInBeforeLoad(page, 'alice', ['user']);
      web.api.on('POST', '/api/jobs', () => [202, { operation: operation('op-submit', 'job.submit') }]);
      await open('/jobs', makeSnapshot(2, 2, 1));
      await page.locator('summary', { hasText: 'Submit a job' }).click();
      const form = page.locator('oar-submit-form');
      await form.getByLabel('Nodes').fill('');
      await form.getByLabel('Cores per node').fill('');
      await form.getByLabel('Run a script file').check();
      await form.getByLabel('Script (choose or drop a file)').setInputFiles({
        name: 'two-cores.sh',
        mimeType: 'text/x-sh',
        buffer: Buffer.from('#!/bin/sh\n#OAR -l /nodes=1/core=2,walltime=00:05:00\n#OAR -n from-script\nhostname\n'),
      });
      await form.locator('[data-field=directives]').waitFor();
      expect(await form.locator('[data-field=directives]').textContent()).toBe(
        "From the script's #OAR lines: resources /nodes=1/core=2,walltime=00:05:00; name from-script",
      );
      expect(await form.locator('[data-field=oarsub]').textContent()).toBe(
        'oarsub -l /nodes=1/core=2,walltime=00:05:00 -n from-script -S ./two-cores.sh',
      );
      await expectNoAxeViolations(page);
      await form.getByRole('button', { name: 'Submit job' }).click();
      await waitFor(() => web.api.sent('POST', '/api/jobs').length === 1, { describe: 'the submit', intervalMs: 20 });
      const [sent] = web.api.sent('POST', '/api/jobs');
      expect(sent.contentType).toMatch(/^multipart\/form-data/);
      const fields = [...sent.body.matchAll(/form-data; name="([^"]+)"/g)].map((m) => m[1]);
      expect(fields).toEqual(['script']);
      expect(sent.body).not.toContain('NaN');
    });
  });
});
