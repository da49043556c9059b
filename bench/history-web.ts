/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
/**
 * The history page (/history) in Debian's Chromium against the real API (own process, its own Redis)
 * reading oar-sim with 10,000 finished jobs in the last 24 hours: time from a click on History (the
 * app open) to the first rows shown, OAR not yet read for the window (goal ≤ 1 s), and to the
 * per-user totals (the whole window); a fresh page load of /history with the window cached; side by
 * side, the API's first page alone for a window it has not read.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startOarSim } from '@oar-live/oar-sim';
import { startApiProcess } from '../test/web/support/api-process';
import { launchChromium } from '../test/web/support/web-harness';
import { removeRedisDir, startRedis } from '../test/support/redis-server';

const JOBS = 10_000;
const round = (x: number) => Math.round(x * 10) / 10;

export async function historyPage(): Promise<object> {
  execFileSync('npm', ['run', 'build', '-w', 'apps/web'], { cwd: join(__dirname, '..'), stdio: 'ignore' });
  const redis = await startRedis();
  // 10,000 jobs, one ending every 8 s: all in the default window (the last 24 hours).
  const sim = await startOarSim({ nodes: 50, coresPerNode: 4, finishedJobs: JOBS, historySpacingSeconds: 8 });
  const api = await startApiProcess(sim.url, [{ name: 'viewer', password: 'bench-pw', roles: ['user'] }], {
    REDIS_URL: redis.url,
  });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const rowsShown = async () => {
      await page.locator('oar-history-page tbody tr').first().waitFor({ timeout: 60_000 });
      const total = await page.locator('oar-history-page [data-field=total]').textContent();
      if (!total?.includes(`${JOBS} finished jobs`)) throw new Error(`the page does not list ${JOBS} jobs: ${total}`);
    };
    const totalsShown = () =>
      page.locator('oar-history-page table[aria-label="Finished jobs per user"]').waitFor({ timeout: 60_000 });
    // In the app (already open on the dashboard), a click on History; OAR not read yet for this window.
    await page.goto(`${api.url}/`);
    await page.locator('oar-dashboard-page').waitFor();
    let t0 = Date.now();
    await page.locator('oar-app nav a', { hasText: 'History' }).click();
    await rowsShown();
    const inAppColdMs = Date.now() - t0;
    await totalsShown();
    const inAppTotalsMs = Date.now() - t0;
    // A fresh load of /history (the bundle, the live connection, then the rows), the window now cached.
    t0 = Date.now();
    await page.goto(`${api.url}/history`);
    await rowsShown();
    const pageLoadWarmMs = Date.now() - t0;
    await totalsShown();
    // The API alone, for a window it has not read (an explicit `to`): the first page only.
    t0 = Date.now();
    const answer = await fetch(`${api.url}/api/history/jobs?to=${encodeURIComponent(new Date().toISOString())}`);
    await answer.json();
    const apiFirstPageColdMs = Date.now() - t0;
    return {
      finishedJobs: JOBS,
      firstRowsInAppColdMs: inAppColdMs,
      totalsInAppColdMs: inAppTotalsMs,
      firstRowsPageLoadWarmMs: pageLoadWarmMs,
      apiFirstPageColdMs,
      apiShareOfInAppCold: round(apiFirstPageColdMs / inAppColdMs),
      goalMs: 1000,
      meetsGoal: inAppColdMs <= 1000,
    };
  } finally {
    await browser.close();
    await api.stop();
    await sim.stop();
    await redis.stop();
    removeRedisDir(redis.dir);
  }
}
