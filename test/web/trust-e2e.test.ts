/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import type { Job, Node } from '@oar-live/oar-client';
import type { Page } from 'playwright-core';
import { identClient } from '../oar-client/sandbox-clients';
import { waitFor } from '../support/wait-for';
import { startApiProcess } from './support/api-process';
import { dashboardTile, openRoute, signIn as signInAs } from './support/app-page';
import { type Browser } from './support/web-harness';
import { startSandboxE2e, stopSandboxE2e } from './support/sandbox-e2e';

/**
 * What the operator sees is what OAR holds (issue 14), end to end: Chromium → the real API (own
 * process) → real Redis → the real OAR sandbox. Run under the sandbox lock. Each test waits for OAR
 * to plan, run or end jobs, which on a loaded machine takes longer than jest's default 60 s.
 */
describe('trustworthy data in the browser (real API and OAR sandbox)', () => {
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  let browser: Browser;
  let page: Page;
  const oar = identClient();

  beforeAll(async () => {
    ({ api, browser, page } = await startSandboxE2e([
      { name: 'alice', password: 'alice-trust-pw', roles: ['user'], oarLogin: 'alice' },
      { name: 'bob', password: 'bob-trust-pw', roles: ['user'], oarLogin: 'bob' },
      { name: 'root', password: 'root-trust-pw', roles: ['admin'], oarLogin: 'oar' },
    ]));
  }, 180_000);

  afterAll(() => stopSandboxE2e({ api, browser }), 60_000);

  async function cluster(): Promise<{ nodes: Node[]; jobs: Job[] }> {
    return (await fetch(`${api.url}/api/cluster`)).json() as Promise<{ nodes: Node[]; jobs: Job[] }>;
  }

  const go = (path: string) => openRoute(page, `${api.url}${path}`);

  async function token(username: string, password: string): Promise<string> {
    const res = await fetch(`${api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return ((await res.json()) as { token: string }).token;
  }

  async function call(method: string, path: string, bearer: string, body?: object | FormData) {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body && !(body instanceof FormData) && { 'content-type': 'application/json' }),
      },
      body: body instanceof FormData ? body : body && JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function settled(id: string, bearer: string) {
    return waitFor(
      async () => {
        const { body } = await call('GET', `/api/operations/${id}`, bearer);
        return ['succeeded', 'failed'].includes(body.state as string) && body;
      },
      { describe: `operation ${id} settled`, timeoutMs: 60_000 },
    );
  }

  const signIn = (name: string, password: string) => signInAs(page, name, password);

  const tile = (name: string) => dashboardTile(page, name);

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
    await oar.jobs.cancel(full.id, { as: 'alice' });
    await oar.jobs.cancel(waiting.id, { as: 'bob' });
  }, 120_000);

  it('a node’s state reason shows in its node events (grid tooltip), /api/nodes and the Nodes table; cleared by a change without one', async () => {
    const root = await token('root', 'root-trust-pw');
    await go('/');
    const res = await call('PATCH', '/api/nodes/node3', root, { state: 'Absent', reason: 'fan replaced, back Monday' });
    expect(res.status).toBe(202);
    expect(await settled((res.body.operation as { id: string }).id, root)).toMatchObject({ state: 'succeeded' });
    // The page was open before: the reason reached it in a node.changed event.
    const grid = page.locator('oar-dashboard-page oar-node-grid canvas');
    await grid.focus();
    await grid.press('Home');
    await grid.press('ArrowRight');
    await grid.press('ArrowRight');
    await page.locator('oar-node-grid .sr', { hasText: /node3 .* Absent \(fan replaced, back Monday\)/ }).waitFor();
    const node = (await (await fetch(`${api.url}/api/nodes/node3`)).json()) as Node;
    expect(node).toMatchObject({ state: 'Absent', stateReason: 'fan replaced, back Monday' });

    await go('/nodes');
    const reason = page.locator('oar-node-table tbody tr[data-node=node3] [data-col=reason]');
    expect((await reason.textContent())?.trim()).toBe('· fan replaced, back Monday');

    const back = await call('PATCH', '/api/nodes/node3', root, { state: 'Alive' });
    await settled((back.body.operation as { id: string }).id, root);
    await reason.waitFor({ state: 'detached' });
  }, 120_000);

  it('a finished job opens with its final state (not "not found"), its script’s file name, and the script for its owner', async () => {
    await go('/jobs');
    await signIn('alice', 'alice-trust-pw');
    const alice = await token('alice', 'alice-trust-pw');
    const script = '#!/bin/bash\necho trust-script\n';
    const form = new FormData();
    form.append('script', new Blob([script]), 'hello-trust.sh');
    form.append('resources', '/nodes=1/core=1');
    form.append('walltime', '00:01:00');
    const res = await call('POST', '/api/jobs', alice, form);
    const operation = await settled((res.body.operation as { id: string }).id, alice);
    const jobId = (operation.result as { jobId: number }).jobId;
    const row = page.locator(`oar-job-table tbody tr[data-job-id="${jobId}"]`);
    await row.locator('[data-col=state]', { hasText: 'Terminated' }).waitFor();
    await row.click();
    const detail = page.locator('oar-job-detail');
    await detail.locator('[data-field=state]', { hasText: 'Terminated' }).waitFor();
    await detail.getByText('loading…').waitFor({ state: 'detached' });
    expect(await detail.locator('.error').count()).toBe(0);
    expect((await detail.locator('[data-field=command] pre').first().textContent())?.trim()).toBe(
      'hello-trust.sh (uploaded script)',
    );
    await detail.getByRole('button', { name: 'Show script' }).click();
    expect(await detail.locator('[data-field=script]').textContent()).toBe(script);

    const bob = await call('GET', `/api/jobs/${jobId}/script`, await token('bob', 'bob-trust-pw'));
    expect(bob).toEqual({
      status: 403,
      body: expect.objectContaining({ message: `job ${jobId} is alice's: only they and admins may read its script` }),
    });
    const fromOar = (await (await fetch(`${api.url}/api/jobs/${jobId}`)).json()) as Job;
    expect(fromOar).toMatchObject({ id: jobId, state: 'Terminated', exitCode: 0 });
  }, 120_000);

  it('cancelling a job that has ended is refused with a sentence about the job, before any OAR call', async () => {
    const alice = await token('alice', 'alice-trust-pw');
    const { id } = await oar.jobs.submit(
      { command: 'sleep 300', resources: '/nodes=1/core=1,walltime=00:10:00' },
      { as: 'alice' },
    );
    await waitFor(async () => (await oar.jobs.get(id, { as: 'alice' })).state === 'Running' || undefined, {
      describe: `job ${id} Running`,
    });
    await call('DELETE', `/api/jobs/${id}`, alice);
    await waitFor(async () => ['Error', 'Terminated'].includes((await oar.jobs.get(id, { as: 'alice' })).state), {
      describe: `job ${id} cancelled`,
    });
    // Until oar-live's snapshot drops the ended job, it would still offer to cancel it.
    await waitFor(async () => !(await cluster()).jobs.some((job) => job.id === id) || undefined, {
      describe: `job ${id} gone from oar-live's snapshot`,
    });
    const again = await call('DELETE', `/api/jobs/${id}`, alice);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(
      new RegExp(`^Job ${id} is (Error|Terminated); only a job that has not ended can be cancelled\\.$`),
    );
  }, 120_000);

  it('a node where a waiting job is only planned is not busy: retiring it is accepted and done', async () => {
    const three = await oar.jobs.submit(
      { command: 'sleep 600', resources: '/nodes=3/core=2,walltime=00:20:00' },
      { as: 'alice' },
    );
    const four = await oar.jobs.submit(
      { command: 'sleep 5', resources: '/nodes=4/core=2,walltime=00:01:00' },
      { as: 'bob' },
    );
    const idle = await waitFor(
      async () => {
        const snapshot = await cluster();
        const runs = snapshot.jobs.find((job) => job.id === three.id)?.state === 'Running';
        return (
          runs &&
          snapshot.nodes.find(
            (node) => node.jobIds.length === 0 && node.plannedJobIds?.includes(four.id) && node.plannedCores === 2,
          )
        );
      },
      { describe: `job ${three.id} running and a node with no job, planned for job ${four.id}`, timeoutMs: 45_000 },
    );
    const root = await token('root', 'root-trust-pw');
    const res = await call('DELETE', `/api/nodes/${idle.name}`, root);
    expect(res.status).toBe(202);
    const retired = await settled((res.body.operation as { id: string }).id, root);
    expect({ state: retired.state, error: retired.error }).toEqual({ state: 'succeeded', error: undefined });
    await oar.jobs.cancel(three.id, { as: 'alice' });
    await oar.jobs.cancel(four.id, { as: 'bob' });
  }, 120_000);
});
