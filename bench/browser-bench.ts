/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
/** What the browser benches (web, gantt) share: the app in Chromium at 1920×1080 fed by a scripted live server, and timing summaries. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSHandle, Page } from 'playwright-core';
import { startScriptedLiveServer } from '../test/web/support/scripted-live-server';
import { buildWebApp, launchChromium, serveWebApp } from '../test/web/support/web-harness';

/** Opens `path` of the built web app, connected to a scripted live server; `close` stops both. */
export async function openScriptedApp(
  path: string,
  /** Answers the API requests the page makes besides the live stream; false when it does not. */
  api: (req: IncomingMessage, res: ServerResponse) => boolean = () => false,
): Promise<{ page: Page; close(): Promise<void> }> {
  const dist = buildWebApp();
  const server = await startScriptedLiveServer((req, res) => {
    if (!serveWebApp(dist, req, res) && !api(req, res)) res.writeHead(404).end();
  });
  const browser = await launchChromium({ width: 1920, height: 1080 });
  const close = async () => {
    await browser.close();
    await server.stop();
  };
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}${path}`);
    await server.nextConnection();
    return { page, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** What the benches drive in the app's live store: the store every view of the page reads. */
export interface AppLiveStore {
  receiveSnapshot(snapshot: unknown): void;
  receiveBatch(batch: unknown): void;
}

/** An element that says when it has drawn its last change (a Lit element). */
export type Updatable = HTMLElement & { updateComplete: Promise<unknown> };

export function appLiveStore(page: Page): Promise<JSHandle<AppLiveStore>> {
  return page.evaluateHandle(
    () => (document.querySelector('oar-app') as HTMLElement & { services: { live: AppLiveStore } }).services.live,
  );
}

/**
 * The batches timed side by side in the page: in the app (`inApp`, from handing each to the app's live
 * store until every one of `views` has updated) and by the store alone (`storeAlone`, on `snapshot`).
 */
export async function timeBatchesSideBySide(
  page: Page,
  live: JSHandle<AppLiveStore>,
  views: JSHandle<Updatable>[],
  snapshot: unknown,
  batches: readonly unknown[],
): Promise<{ inApp: Timings; storeAlone: Timings }> {
  const inApp = await timeBatchesUntilUpdated(page, live, views, batches);
  return { inApp: stats(inApp), storeAlone: stats(await timeStoreAlone(live, snapshot, batches)) };
}

/**
 * Times each batch from handing it to the app's live store until every one of `views` has updated
 * (in turn), then lets a frame pass before the next batch (the flash frame runs, as live).
 */
function timeBatchesUntilUpdated(
  page: Page,
  live: JSHandle<AppLiveStore>,
  views: JSHandle<Updatable>[],
  batches: readonly unknown[],
): Promise<number[]> {
  return page.evaluate(
    async ([store, drawn, list]) => {
      const out: number[] = [];
      for (const b of list) {
        const t0 = performance.now();
        store.receiveBatch(b);
        for (const view of drawn) await view.updateComplete;
        out.push(performance.now() - t0);
        await new Promise(requestAnimationFrame);
      }
      return out;
    },
    [live, views, batches] as const,
  );
}

/**
 * The pure store step alone on the same data, in the same page: a fresh live store of the app's own
 * class gets `snapshot`, then each batch is timed around `receiveBatch` (the views' share is the rest).
 */
function timeStoreAlone(
  live: JSHandle<AppLiveStore>,
  snapshot: unknown,
  batches: readonly unknown[],
): Promise<number[]> {
  return live.evaluate(
    (appStore, [snap, list]) => {
      const Store = appStore.constructor as new () => AppLiveStore;
      const store = new Store();
      store.receiveSnapshot(snap);
      const out: number[] = [];
      for (const b of list) {
        const t0 = performance.now();
        store.receiveBatch(b);
        out.push(performance.now() - t0);
      }
      return out;
    },
    [snapshot, batches] as const,
  );
}

export const round = (x: number) => Math.round(x * 100) / 100;

type Timings = { medianMs: number; p95Ms: number; maxMs: number };

/** Median, 95th percentile and maximum of a list of milliseconds. */
function stats(xs: number[]): Timings {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { medianMs: round(at(0.5)), p95Ms: round(at(0.95)), maxMs: round(sorted[sorted.length - 1]) };
}
