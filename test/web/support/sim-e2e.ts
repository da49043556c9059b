import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { OarClient, type Job, type SubmitJobRequest } from '@oar-live/oar-client';
import { startOarSim, type OarSim, type OarSimOptions } from '@oar-live/oar-sim';
import { waitFor } from '../../support/wait-for';
import { startApiProcess, type ApiUser } from './api-process';
import { launchChromium, type Browser } from './web-harness';

const root = join(__dirname, '..', '..', '..');

export interface SimE2e {
  sim: OarSim;
  /** The simulator's API as its users reach it (ident). */
  oar: OarClient;
  api: Awaited<ReturnType<typeof startApiProcess>>;
  browser: Browser;
  page: Page;
}

/**
 * What the browser tests on oar-sim start from (the sandbox ones have startSandboxE2e): the web app
 * built, oar-sim with `options`, the real API in its own process with `users`, and one Chromium page
 * that lets axe-core in despite the API's CSP.
 */
export async function startSimE2e(options: OarSimOptions, users: ApiUser[]): Promise<SimE2e> {
  execFileSync('npm', ['run', 'build', '-w', 'apps/web'], { cwd: root, stdio: 'ignore' });
  const sim = await startOarSim(options);
  const oar = new OarClient({ baseUrl: sim.url, auth: 'ident' });
  const api = await startApiProcess(sim.url, users);
  const browser = await launchChromium(undefined, { bypassCSP: true });
  const page = await browser.context.newPage();
  page.setDefaultTimeout(30_000);
  return { sim, oar, api, browser, page };
}

/** Closes what startSimE2e started (whatever part of it did start). */
export async function stopSimE2e(started: Partial<SimE2e>): Promise<void> {
  await started.browser?.close();
  await started.api?.stop();
  await started.sim?.stop();
}

/** The job `request` submitted as `user`, once oar-live's API says it runs; its id. */
export async function runningJob(e2e: SimE2e, request: SubmitJobRequest, user: string): Promise<number> {
  const { id } = await e2e.oar.jobs.submit(request, { as: user });
  await waitFor(
    async () => ((await (await fetch(`${e2e.api.url}/api/jobs/${id}`)).json()) as Job).state === 'Running',
    {
      describe: `job ${id} to run`,
    },
  );
  return id;
}
