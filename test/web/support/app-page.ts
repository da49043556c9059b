/// <reference lib="dom" /> // page.waitForFunction callbacks run in the browser
import type { Locator, Page } from 'playwright-core';
import type { TileAppearance } from '../../../apps/web/src/components/oar-node-grid';

/** Signs in through the session menu (signing out first when someone is signed in). */
export async function signIn(page: Page, name: string, password: string): Promise<void> {
  const menu = page.locator('oar-session-menu');
  if (await menu.getByRole('button', { name: 'Sign out' }).count())
    await menu.getByRole('button', { name: 'Sign out' }).click();
  await menu.getByRole('button', { name: 'Sign in' }).click();
  await menu.getByLabel('User', { exact: true }).fill(name);
  await menu.getByLabel('Password').fill(password);
  await menu.getByRole('button', { name: 'Sign in' }).click();
  await menu.getByText(`Signed in as ${name}`).waitFor();
}

/** Chooses "Run a script file" in the submit form `form` and gives it a script file `name` holding `text`. */
export async function chooseScript(form: Locator, name: string, text: string): Promise<void> {
  await form.getByLabel('Run a script file').check();
  await form.getByLabel('Script (choose or drop a file)').setInputFiles({
    name,
    mimeType: 'text/x-sh',
    buffer: Buffer.from(text),
  });
}

/** Opens a route of the app and waits until it holds live data. */
export async function openRoute(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => {
    const app = document.querySelector('oar-app') as unknown as {
      services?: { live: { connection: string; snapshot: unknown } };
    };
    return app?.services?.live.connection === 'connected' && app.services.live.snapshot !== null;
  });
}

/** How the dashboard's node grid draws node `name` now (undefined when it draws no such node). */
export function dashboardTile(page: Page, name: string): Promise<TileAppearance | undefined> {
  return page.evaluate((n) => {
    const grid = document
      .querySelector('oar-app')!
      .shadowRoot!.querySelector('oar-dashboard-page')!
      .shadowRoot!.querySelector('oar-node-grid') as unknown as {
      tileAppearance(n: string): TileAppearance | undefined;
    };
    return grid.tileAppearance(n);
  }, name);
}
