/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import type { Page } from 'playwright-core';
import type { Snapshot } from '@oar-live/shared';
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
    /** Opens `path` and answers its live socket with `snapshot`; returns the server side of the socket. */
    async openLive(page: Page, path: string, snapshot: Snapshot) {
      await page.goto(`${server.url}${path}`);
      const connection = await server.nextConnection();
      connection.socket.emit('snapshot', snapshot);
      return connection;
    },
    async stop() {
      await browser.close();
      await server.stop();
    },
  };
}

export type WebFixture = Awaited<ReturnType<typeof startWebFixture>>;

/**
 * The hooks of a describe block of scripted-server browser tests: one web fixture for the block and
 * a new page for each test, handed to `use` before the test and closed after it; a test fails when
 * its page threw.
 */
export function newPageEachTest(
  use: (web: WebFixture, page: Page) => void,
  viewport?: { width: number; height: number },
): void {
  let web: WebFixture | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    web = await startWebFixture();
  });
  afterAll(async () => web?.stop());
  beforeEach(async () => {
    page = await web!.newPage();
    if (viewport) await page.setViewportSize(viewport);
    use(web!, page);
  });
  afterEach(async () => {
    await page?.close();
    expect(web!.pageErrors).toEqual([]);
  });
}

/** Signs the page in before it loads (the app reads its session from localStorage). */
export async function signInBeforeLoad(page: Page, name: string, roles: string[]): Promise<void> {
  await page.addInitScript(
    ([n, r]) =>
      localStorage.setItem('oar-live.session', JSON.stringify({ token: `token-${n}`, user: { name: n, roles: r } })),
    [name, roles] as const,
  );
}
