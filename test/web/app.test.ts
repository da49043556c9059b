/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import type { Job, Node } from '@oar-live/oar-client';
import type { Operation, Snapshot } from '@oar-live/shared';
import { batch, FIXTURE_EPOCH, makeJob, makeNode, makeSnapshot } from '../support/live-fixtures';
import { chooseScript } from './support/app-page';
import { expectNoAxeViolations } from './support/axe';
import { newPageEachTest, signInBeforeLoad, type WebFixture } from './support/web-fixture';
import { waitFor } from '../support/wait-for';

function operation(id: string, patch: Partial<Operation> = {}): Operation {
  const at = new Date().toISOString();
  return {
    id,
    kind: 'job.submit',
    state: 'queued',
    user: 'alice',
    input: {},
    attempts: 0,
    createdAt: at,
    updatedAt: at,
    targets: [],
    ...patch,
  };
}

/** The whole app in Chromium against a scripted /live socket and scripted REST answers. */
describe('web app in Chromium (scripted server)', () => {
  let web: WebFixture;
  let page: Page;
  newPageEachTest((fixture, fresh) => ([web, page] = [fixture, fresh]));

  const open = (path: string, snapshot = makeSnapshot(6, 2, 1)) => web.openLive(page, path, snapshot);

  it('offers no actions anonymously; signing in as a user offers job actions but not node actions', async () => {
    web.api.on('POST', '/api/auth/login', (req) => {
      const { username, password } = JSON.parse(req.body);
      return password === 'right'
        ? [200, { token: 'tok-1', expiresAt: '2099-01-01T00:00:00Z', user: { name: username, roles: ['user'] } }]
        : [401, { statusCode: 401, error: 'Unauthorized', message: 'wrong user name or password' }];
    });
    await open('/jobs', { ...makeSnapshot(2, 2, 1), jobs: [makeJob(1)] });
    await page.locator('oar-job-table tbody tr').first().waitFor();
    expect(await page.locator('oar-submit-form').count()).toBe(0);
    expect(await page.locator('oar-job-table input[type=checkbox]').count()).toBe(0);
    await page.locator('oar-connection-status', { hasText: 'Live' }).waitFor();

    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('User', { exact: true }).fill('alice');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('wrong user name or password').waitFor();
    await page.getByLabel('Password').fill('right');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as').waitFor();
    // The socket reconnects with the token and the seq and epoch it holds.
    const reconnected = await web.server.nextConnection();
    expect(reconnected.auth).toEqual({ token: 'tok-1', since: 1, epoch: FIXTURE_EPOCH });
    expect(await page.locator('oar-submit-form').count()).toBe(1);
    expect(await page.locator('oar-job-table input[aria-label="Select job 1"]').count()).toBe(1);

    await page.getByRole('link', { name: 'Nodes' }).click();
    await page.locator('oar-node-table tbody tr').first().waitFor();
    expect(await page.locator('oar-node-create-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Set Absent' }).count()).toBe(0);
  });

  it.each([
    ['your login token expired: sign in again', 'You were signed out: your login token expired.'],
    [
      'your login was revoked (your password or roles changed, or your account was removed): sign in again',
      'You were signed out: your login was revoked (your password or roles changed, or your account was removed).',
    ],
  ])('a session the server ends (%s) says why in plain words and offers to sign in again', async (reason, said) => {
    web.api.on('POST', '/api/auth/login', (req) => {
      const { username } = JSON.parse(req.body);
      return [200, { token: 'tok-2', expiresAt: '2099-01-01T00:00:00Z', user: { name: username, roles: ['user'] } }];
    });
    await signInBeforeLoad(page, 'alice', ['user']);
    const live = await open('/');
    await page.getByText('Signed in as').waitFor();
    expect(live.auth.token).toBe('token-alice');

    live.socket.emit('session.ended', { reason });
    live.socket.disconnect(true);
    const notice = page.locator('oar-session-menu [role=alert]');
    await notice.waitFor();
    expect(await notice.textContent()).toBe(said);
    expect(await page.getByText('Signed in as').count()).toBe(0);
    // It carries on anonymously: the next socket sends no token.
    const anonymous = await web.server.nextConnection();
    expect(anonymous.auth.token).toBeUndefined();
    await expectNoAxeViolations(page);

    await page.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByLabel('User', { exact: true }).fill('alice');
    await page.getByLabel('Password').fill('new-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Signed in as').waitFor();
    expect(await notice.count()).toBe(0);
    // Taken in order, so the next test's first connection is its own.
    while ((await web.server.nextConnection()).auth.token !== 'tok-2');
  });

  it('submit form: validates before sending, shows the oarsub line, follows the operation and shows OAR’s error', async () => {
    await signInBeforeLoad(page, 'alice', ['user']);
    web.api.on('POST', '/api/jobs', () => [202, { operation: operation('op-submit') }]);
    const live = await open('/jobs');
    await page.locator('summary', { hasText: 'Submit a job' }).click();
    const form = page.locator('oar-submit-form');
    await form.getByRole('button', { name: 'Submit job' }).click();
    await form.getByText('Command is required (or upload a script).').waitFor();
    await form.getByLabel('Walltime').fill('ten minutes');
    await form.getByText('Walltime must be HH:MM:SS, HH:MM or a number of seconds').waitFor();
    expect(web.api.sent('POST', '/api/jobs')).toHaveLength(0);

    await form.getByLabel('Command', { exact: true }).fill('sleep 30');
    await form.getByLabel('Nodes').fill('2');
    await form.getByLabel('Cores per node').fill('1');
    await form.getByLabel('Walltime').fill('00:05:00');
    await form.getByLabel('Name').fill('demo');
    await form.getByLabel('Types').fill('besteffort');
    expect(await form.locator('[data-field=oarsub]').textContent()).toBe(
      "oarsub -l /nodes=2/core=1,walltime=00:05:00 -n demo -t besteffort 'sleep 30'",
    );
    await form.getByRole('button', { name: 'Submit job' }).click();
    await form.locator('oar-operation-status', { hasText: 'queued' }).waitFor();
    const [sent] = web.api.sent('POST', '/api/jobs');
    expect(sent.authorization).toBe('Bearer token-alice');
    expect(JSON.parse(sent.body)).toEqual({
      command: 'sleep 30',
      resources: '/nodes=2/core=1',
      walltime: '00:05:00',
      name: 'demo',
      types: ['besteffort'],
    });

    const oarError = 'Oarsub command exited with status 8: There are not enough resources for your request';
    live.socket.emit(
      'changes',
      batch(2, [
        {
          type: 'operation.updated',
          operation: operation('op-submit', {
            state: 'failed',
            attempts: 1,
            error: { status: 400, message: oarError },
          }),
        },
      ]),
    );
    await form.getByText(oarError).waitFor();
  });

  it('submit form: takes a dropped script, then one chosen with the file picker, and uploads it as multipart', async () => {
    await signInBeforeLoad(page, 'alice', ['user']);
    web.api.on('POST', '/api/jobs', () => [202, { operation: operation('op-script') }]);
    await open('/jobs');
    await page.locator('summary', { hasText: 'Submit a job' }).click();
    const form = page.locator('oar-submit-form');
    await form.getByLabel('Run a script file').check();
    const dropped = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['#!/bin/sh\necho dropped\n'], 'dropped.sh', { type: 'text/x-sh' }));
      return transfer;
    });
    await form.locator('.drop').dispatchEvent('drop', { dataTransfer: dropped });
    await form.locator('[data-field=script-name]', { hasText: 'dropped.sh' }).waitFor();
    await chooseScript(form, 'hello.sh', '#!/bin/bash\necho hello from a script\n');
    await form.locator('[data-field=script-name]', { hasText: 'hello.sh' }).waitFor();
    expect(await form.locator('[data-field=oarsub]').textContent()).toContain('-S ./hello.sh');
    await form.getByRole('button', { name: 'Submit job' }).click();
    await form.locator('oar-operation-status').waitFor();
    const sent = web.api.sent('POST', '/api/jobs').at(-1)!;
    expect(sent.contentType).toMatch(/^multipart\/form-data/);
    expect(sent.body).toContain('filename="hello.sh"');
    expect(sent.body).toContain('echo hello from a script');
    // Nothing else was set: the script's directives (or OAR's defaults) apply, not the form's.
    expect(sent.body).not.toContain('name="resources"');
  });

  it('nodes page as admin: bulk Absent after confirmation, and "create N nodes with C cores"', async () => {
    await signInBeforeLoad(page, 'root', ['admin']);
    web.api.on('POST', '/api/nodes/actions', () => [202, { operation: operation('op-nodes', { kind: 'node.state' }) }]);
    web.api.on('POST', '/api/nodes', () => [202, { operation: operation('op-create', { kind: 'node.create' }) }]);
    await open('/nodes');
    await page.locator('oar-node-table input[aria-label="Select node2"]').check();
    await page.locator('oar-node-table input[aria-label="Select node4"]').check();
    await page.getByRole('button', { name: 'Set Absent' }).click();
    const dialog = page.locator('oar-confirm-dialog dialog');
    await dialog.getByText('node2, node4').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(web.api.sent('POST', '/api/nodes/actions')).toHaveLength(0);
    await page.getByRole('button', { name: 'Set Absent' }).click();
    await dialog.getByRole('button', { name: 'Set Absent' }).click();
    await waitFor(() => web.api.sent('POST', '/api/nodes/actions').length === 1, {
      describe: 'the bulk request',
      intervalMs: 20,
    });
    expect(JSON.parse(web.api.sent('POST', '/api/nodes/actions')[0].body)).toEqual({
      action: 'absent',
      names: ['node2', 'node4'],
    });

    const create = page.locator('oar-node-create-form');
    await create.getByLabel('Count').fill('2');
    await create.getByLabel('Cores per node').fill('4');
    await create.getByRole('button', { name: 'Create nodes' }).click();
    await waitFor(() => web.api.sent('POST', '/api/nodes').length === 1, {
      describe: 'the create request',
      intervalMs: 20,
    });
    expect(JSON.parse(web.api.sent('POST', '/api/nodes')[0].body)).toEqual({ count: 2, cpus: 1, coresPerCpu: 4 });
  });

  it('wall: shows the stale banner when OAR goes down and when the socket drops, clears it on recovery', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    const live = await open('/wall', makeSnapshot(300, 4, 1));
    await page.locator('oar-wall .value', { hasText: '/300' }).waitFor();
    expect(await page.locator('oar-stale-banner [role=alert]').count()).toBe(0);
    // Readable across a room: the headline numbers grow with the screen (1080p → 4K).
    const headlinePx = () =>
      page
        .locator('oar-wall .value')
        .first()
        .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(await headlinePx()).toBeGreaterThanOrEqual(48);
    await page.setViewportSize({ width: 3840, height: 2160 });
    await waitFor(async () => (await headlinePx()) >= 96, { describe: 'larger type at 4K', intervalMs: 20 });
    await page.setViewportSize({ width: 1920, height: 1080 });

    live.socket.emit(
      'changes',
      batch(2, [
        {
          type: 'source.status',
          status: 'down',
          error: 'OAR unreachable',
          lastOkAt: new Date(Date.now() - 20_000).toISOString(),
        },
      ]),
    );
    await page.locator('oar-stale-banner', { hasText: /Data is \d+ s old/ }).waitFor();
    live.socket.emit(
      'changes',
      batch(3, [{ type: 'source.status', status: 'up', lastOkAt: new Date().toISOString() }]),
    );
    await page.locator('oar-stale-banner [role=alert]').waitFor({ state: 'detached' });

    live.socket.conn.close();
    await page.locator('oar-stale-banner', { hasText: 'Connection to oar-live lost' }).waitFor();
    const again = await web.server.nextConnection();
    expect(again.auth.since).toBe(3);
    await page.locator('oar-stale-banner [role=alert]').waitFor({ state: 'detached' });
  });

  it('says in plain words while oar-live reads OAR less often to spare it, and stops saying it when it no longer does', async () => {
    const live = await open('/');
    await page.locator('oar-connection-status', { hasText: 'Live' }).waitFor();
    const slowed =
      "OAR answers slowly: oar-live reads jobs every 8 s (instead of 2 s) to keep OAR's API busy with it at most 20 % of the time.";
    live.socket.emit('changes', batch(2, [{ type: 'source.status', status: 'up', slowed }]));
    await page.locator('oar-stale-banner [role=status]', { hasText: slowed }).waitFor();
    await page.locator('oar-connection-status span.warn', { hasText: 'Live, slowed' }).waitFor();
    expect(await page.locator('oar-connection-status span').getAttribute('title')).toBe(slowed);
    // Not stale: the loud banner is for data that may be out of date.
    expect(await page.locator('oar-stale-banner [role=alert]').count()).toBe(0);
    live.socket.emit('changes', batch(3, [{ type: 'source.status', status: 'up' }]));
    await page.locator('oar-stale-banner [role=status]').waitFor({ state: 'detached' });
    await page.locator('oar-connection-status span.ok', { hasText: 'Live' }).waitFor();
  });

  it('events page: live feed, filter by type, pause, export NDJSON', async () => {
    const live = await open('/events');
    live.socket.emit(
      'changes',
      batch(2, [
        { type: 'node.changed', node: makeNode('node1', { state: 'Absent' }) },
        { type: 'job.added', job: makeJob(42) },
      ]),
    );
    await page.locator('oar-event-feed tbody tr').nth(1).waitFor();
    await page.getByRole('checkbox', { name: 'job.added' }).uncheck();
    expect(await page.locator('oar-event-feed tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: 'Pause' }).click();
    live.socket.emit('changes', batch(3, [{ type: 'node.changed', node: makeNode('node2', { state: 'Dead' }) }]));
    await waitFor(
      () =>
        page.evaluate(
          () =>
            (document.querySelector('oar-app') as unknown as { services: { live: { snapshot: { seq: number } } } })
              .services.live.snapshot.seq === 3,
        ),
      { describe: 'batch 3 to arrive', intervalMs: 20 },
    );
    expect(await page.locator('oar-event-feed tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('oar-event-feed tbody tr').nth(1).waitFor();

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export NDJSON' }).click();
    const lines = readFileSync(await (await download).path(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.seq, l.event.type, l.event.node.name])).toEqual([
      [2, 'node.changed', 'node1'],
      [3, 'node.changed', 'node2'],
    ]);
  });

  it('operations page: loads over REST, then follows operation.updated live', async () => {
    web.api.on('GET', '/api/operations', () => [
      200,
      { operations: [operation('op-a', { kind: 'job.cancel', targets: ['5'] })] },
    ]);
    const live = await open('/operations');
    const row = page.locator('oar-operations-list tr[data-operation=op-a]');
    await row.locator('[data-col=state]', { hasText: 'queued' }).waitFor();
    live.socket.emit(
      'changes',
      batch(2, [
        {
          type: 'operation.updated',
          operation: operation('op-a', { kind: 'job.cancel', targets: ['5'], state: 'succeeded', attempts: 1 }),
        },
      ]),
    );
    await row.locator('[data-col=state]', { hasText: 'succeeded' }).waitFor();
  });

  it('jobs page: a click opens the detail panel with OAR’s events read over REST', async () => {
    web.api.on('GET', '/api/jobs/7', () => [
      200,
      makeJob(7, {
        state: 'Error',
        exitCode: 1,
        message: 'Job killed',
        events: [
          {
            type: 'FRAG_JOB_REQUEST',
            description: 'User alice requested to frag the job 7',
            date: '2026-11-25T12:00:05Z',
          },
        ],
      }),
    ]);
    await open('/jobs', { ...makeSnapshot(2, 2, 1), jobs: [makeJob(7, { state: 'Running' })] });
    await page.locator('oar-job-table tr[data-job-id="7"]').click();
    const detail = page.locator('oar-job-detail');
    await detail.getByText('requested to frag the job 7').waitFor();
    expect(await detail.locator('[data-field=state]').textContent()).toBe('Running'); // live state wins
    await detail.getByRole('button', { name: 'Close details' }).click();
    await detail.waitFor({ state: 'detached' });
  });

  /** Acting on what the operator sees (issue 14, defects 3, 6, 7, 8): the requests the page sends are the assertions. */
  describe('actions', () => {
    beforeEach(() => {
      web.api.requests.length = 0;
    });

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
        web.api.on('POST', '/api/jobs/actions', () => [202, { operation: operation('op-jobs', { kind: 'job.hold' }) }]);
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

      it('shows a bulk operation’s progress from its events, then its per-target results read over REST', async () => {
        await signInBeforeLoad(page, 'alice', ['user']);
        const queued = operation('op-bulk', { kind: 'job.cancel', targets: ['2', '3'] });
        web.api.on('POST', '/api/jobs/actions', () => [202, { operation: queued }]);
        const results = [
          { target: '2', ok: true, result: {} },
          {
            target: '3',
            ok: false,
            error: { status: 409, message: 'Job 3 is Error; only a job that has not ended can be cancelled.' },
          },
        ];
        web.api.on('GET', '/api/operations/op-bulk', () => [200, { ...settled, results }]);
        const live = await open('/jobs', snapshot);
        await page.locator('oar-job-table input[aria-label="Select job 2"]').check();
        await page.locator('oar-job-table input[aria-label="Select job 3"]').check();
        await page.getByRole('button', { name: 'Cancel selected' }).click();
        await dialog().getByRole('button', { name: 'Cancel jobs' }).click();
        const status = page.locator('oar-jobs-page oar-operation-status').first();
        await status.waitFor();
        const progress = { total: 2, done: 1, failed: 0 };
        live.socket.emit(
          'changes',
          batch(2, [{ type: 'operation.updated', operation: { ...queued, state: 'active', progress } }]),
        );
        await status.locator('[data-field=progress]', { hasText: '1 of 2 done' }).waitFor();
        const settled: Operation = {
          ...queued,
          state: 'failed',
          progress: { total: 2, done: 2, failed: 1 },
          error: {
            message: '1 of 2 targets failed: 3: Job 3 is Error; only a job that has not ended can be cancelled.',
          },
          updatedAt: new Date(Date.now() + 1000).toISOString(),
        };
        live.socket.emit('changes', batch(3, [{ type: 'operation.updated', operation: settled }]));
        await status.locator('li', { hasText: '3: ✕ Job 3 is Error' }).waitFor();
        expect(web.api.requests.filter((r) => r.path === '/api/operations/op-bulk')).toHaveLength(1);
      });
    });

    describe('nodes', () => {
      // node3 runs job 3 (makeSnapshot puts a job on every third node).
      const snapshot = () => makeSnapshot(4, 2, 1);
      const nodeChanged = (node: Node) => ({ type: 'node.changed' as const, node });

      it('an action does not also act on nodes still ticked from an earlier one; the dialog names the busy nodes', async () => {
        await signInBeforeLoad(page, 'root', ['admin']);
        web.api.on('POST', '/api/nodes/actions', () => [
          202,
          { operation: operation('op-nodes', { kind: 'node.state' }) },
        ]);
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
        web.api.on('POST', '/api/nodes/actions', () => [
          202,
          { operation: operation('op-retire', { kind: 'node.delete' }) },
        ]);
        const live = await open('/nodes', {
          ...snapshot(),
          jobs: [makeJob(3, { state: 'Running', nodes: ['node3'] })],
        });
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
        web.api.on('POST', '/api/jobs', () => [202, { operation: operation('op-submit', { kind: 'job.submit' }) }]);
        await open('/jobs', makeSnapshot(2, 2, 1));
        await page.locator('summary', { hasText: 'Submit a job' }).click();
        const form = page.locator('oar-submit-form');
        await form.getByLabel('Nodes').fill('');
        await form.getByLabel('Cores per node').fill('');
        await chooseScript(
          form,
          'two-cores.sh',
          '#!/bin/sh\n#OAR -l /nodes=1/core=2,walltime=00:05:00\n#OAR -n from-script\nhostname\n',
        );
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
});
