/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
/**
 * The history page (/history) in Debian's Chromium against the real API (own process, its own Redis)
 * reading oar-sim with 10,000 finished jobs in the last 24 hours: time from navigation to the first
 * rows shown (goal ≤ 1 s), cold (the API reads OAR) and warm (its 30 s cache answers), side by side
 * with the API request alone.
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
    const firstRows = async () => {
      const t0 = Date.now();
      await page.goto(`${api.url}/history`);
      await page.locator('oar-history-page tbody tr').first().waitFor({ timeout: 60_000 });
      const ms = Date.now() - t0;
      const total = await page.locator('oar-history-page [data-field=total]').textContent();
      if (!total?.includes(`${JOBS} finished jobs`)) throw new Error(`the page does not list ${JOBS} jobs: ${total}`);
      return ms;
    };
    const cold = await firstRows();
    const warm = await firstRows();
    const t0 = Date.now();
    const answer = await fetch(`${api.url}/api/history/jobs?to=${encodeURIComponent(new Date().toISOString())}`);
    await answer.json();
    const apiColdMs = Date.now() - t0;
    return {
      finishedJobs: JOBS,
      firstRowsColdMs: cold,
      firstRowsWarmMs: warm,
      apiOnlyColdMs: apiColdMs,
      pageShareOfCold: round(1 - apiColdMs / cold),
      goalMs: 1000,
      meetsGoal: cold <= 1000,
    };
  } finally {
    await browser.close();
    await api.stop();
    await sim.stop();
    await redis.stop();
    removeRedisDir(redis.dir);
  }
}
