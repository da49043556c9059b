/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import type { Page } from 'playwright-core';
import { OarClient } from '@oar-live/oar-client';
import { waitFor } from '../support/wait-for';
import { startApiProcess } from './support/api-process';
import { type Browser } from './support/web-harness';
import { chooseScript, signIn } from './support/app-page';
import { startSandboxE2e, stopSandboxE2e } from './support/sandbox-e2e';

/**
 * A script's `#OAR` directives reach OAR when it is submitted through the form (issue 14 defect 3):
 * Chromium → the real API → the real OAR sandbox. Run under the sandbox lock.
 */
describe('submitting a script through the form (real API and OAR sandbox)', () => {
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  let browser: Browser;
  let page: Page;
  const oar = new OarClient({ baseUrl: process.env.OAR_SANDBOX_URL!, auth: 'ident' });

  beforeAll(async () => {
    ({ api, browser, page } = await startSandboxE2e([
      { name: 'alice', password: 'alice-form-pw', roles: ['user'], oarLogin: 'alice' },
    ]));
  }, 180_000);

  afterAll(() => stopSandboxE2e({ api, browser }), 60_000);

  it('runs `#OAR -l /nodes=1/core=2` on two cores with the walltime of the script', async () => {
    await page.goto(`${api.url}/jobs`);
    await signIn(page, 'alice', 'alice-form-pw');
    await page.locator('summary', { hasText: 'Submit a job' }).click();
    const form = page.locator('oar-submit-form');
    await chooseScript(form, 'two-cores.sh', '#!/bin/bash\n#OAR -l /nodes=1/core=2,walltime=00:07:00\nsleep 60\n');
    await form.getByRole('button', { name: 'Submit job' }).click();
    const status = form.locator('oar-operation-status', { hasText: 'succeeded' });
    await status.waitFor();
    // The status lives in the element's shadow root (locators pierce it; the host's textContent does not).
    const jobId = Number(/→ job (\d+)/.exec((await status.locator('[role=status]').textContent()) ?? '')?.[1]);
    const job = await waitFor(
      async () => {
        const found = await oar.jobs.getDetails(jobId, { as: 'alice' });
        return found.state === 'Running' ? found : undefined;
      },
      { describe: `job ${jobId} running`, timeoutMs: 60_000 },
    );
    expect(job.resourceIds).toHaveLength(2);
    expect(job.walltime).toBe(7 * 60);
  }, 180_000);
});
