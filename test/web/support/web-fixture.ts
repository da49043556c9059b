/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import type { Page } from 'playwright-core';
import { ScriptedApi } from './scripted-api';
import { startScriptedLiveServer } from './scripted-live-server';
import { buildWebApp, launchChromium, serveWebApp, type Browser } from './web-harness';

/** The built app served next to a scripted /live socket and scripted REST answers, plus a browser. */
export async function startWebFixture() {
  const dist = buildWebApp();
  const api = new ScriptedApi();
  const server = await startScriptedLiveServer((req, res) => {
    if (!serveWebApp(dist, req, res)) api.handle(req, res);
  });
  const browser: Browser = await launchChromium();
  const pageErrors: string[] = [];
  return {
    api,
    server,
    browser,
    pageErrors,
    async newPage(): Promise<Page> {
      const page = await browser.context.newPage();
      page.on('pageerror', (err) => pageErrors.push(err.message));
      return page;
    },
    async stop() {
      await browser.close();
      await server.stop();
    },
  };
}

export type WebFixture = Awaited<ReturnType<typeof startWebFixture>>;

/** Signs the page in before it loads (the app reads its session from localStorage). */
export async function signInBeforeLoad(page: Page, name: string, roles: string[]): Promise<void> {
  await page.addInitScript(
    ([n, r]) =>
      localStorage.setItem('oar-live.session', JSON.stringify({ token: `token-${n}`, user: { name: n, roles: r } })),
    [name, roles] as const,
  );
}
