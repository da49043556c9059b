import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { resetOarSandbox } from '../../support/oar-sandbox';
import { startApiProcess, type ApiUser } from './api-process';
import { launchChromium, type Browser } from './web-harness';

const root = join(__dirname, '..', '..', '..');

export interface SandboxE2e {
  api: Awaited<ReturnType<typeof startApiProcess>>;
  browser: Browser;
  page: Page;
}

/**
 * What every end-to-end browser test starts from: a clean OAR sandbox, the web app built, the real API
 * in its own process with `users`, and one Chromium page (`axe`: one that lets axe-core in despite
 * the API's CSP). Run under the sandbox lock.
 */
export async function startSandboxE2e(users: ApiUser[], { axe = false } = {}): Promise<SandboxE2e> {
  resetOarSandbox();
  execFileSync('npm', ['run', 'build', '-w', 'apps/web'], { cwd: root, stdio: 'ignore' });
  const api = await startApiProcess(process.env.OAR_SANDBOX_URL!, users);
  const browser = await launchChromium(undefined, { bypassCSP: axe });
  const page = await browser.context.newPage();
  page.setDefaultTimeout(60_000);
  return { api, browser, page };
}

/** Closes what startSandboxE2e started (whatever part of it did start) and resets the sandbox. */
export async function stopSandboxE2e(started: Partial<SandboxE2e>): Promise<void> {
  await started.browser?.close();
  await started.api?.stop();
  resetOarSandbox();
}
