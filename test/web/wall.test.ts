/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
/// <reference lib="dom.iterable" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Snapshot, UtilisationColumns } from '@oar-live/shared';
import { batch, makeJob, makeNode, makeSnapshot } from '../support/live-fixtures';
import { expectNoAxeViolations } from './support/axe';
import { newPageEachTest, type WebFixture } from './support/web-fixture';
import { SCREENSHOT_DIR } from './support/web-harness';
import type { TileAppearance } from '../../apps/web/src/components/oar-node-grid';
import { waitFor } from '../support/wait-for';

/** 24 hours of samples, a minute apart, ending now: busy cores rise through the day. */
function utilisation(totalCores: number): UtilisationColumns {
  const end = Math.floor(Date.now() / 60_000) * 60;
  const at = Array.from({ length: 24 * 60 }, (_, i) => end - (24 * 60 - 1 - i) * 60);
  const busy = at.map((_, i) => Math.round((totalCores * i) / at.length));
  return {
    periodSeconds: 60,
    at,
    coresBusy: busy,
    coresFree: busy.map((b) => totalCores - b),
    coresUnavailable: at.map(() => 0),
    jobsRunning: busy.map((b) => Math.ceil(b / 4)),
    jobsWaiting: at.map((_, i) => Math.round(3 + 3 * Math.sin(i / 120))),
  };
}

/** Answers /api/utilisation with a day whose busy cores rise to all of the snapshot's cores. */
function answerUtilisation(web: WebFixture, snapshot: Snapshot): void {
  const total = snapshot.nodes.reduce((sum, node) => sum + node.totalCores, 0);
  web.api.on('GET', '/api/utilisation', () => [200, utilisation(total)]);
}

/** A cluster of `count` nodes with a job on every third, two waiting jobs, and nodes in clusters a and b. */
function cluster(count: number): Snapshot {
  const snapshot = makeSnapshot(count, 4, 1);
  snapshot.nodes = snapshot.nodes.map((node, i) => ({ ...node, properties: { cluster: i < count / 4 ? 'a' : 'b' } }));
  const waitingSince = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  snapshot.jobs.push(
    makeJob(900_001, { state: 'Waiting', user: 'dave', submittedAt: waitingSince(65) }),
    makeJob(900_002, { state: 'Waiting', user: 'erin', submittedAt: waitingSince(5) }),
  );
  snapshot.jobs = snapshot.jobs.map((job, i) =>
    job.state === 'Running' ? { ...job, user: ['alice', 'bob', 'carol'][i % 3], resourceIds: [1, 2, 3, 4] } : job,
  );
  return snapshot;
}

/** The wall (/wall) in Chromium against a scripted live socket and scripted REST answers. */
describe('wall in Chromium', () => {
  let web: WebFixture;
  let page: Page;
  newPageEachTest((fixture, fresh) => ([web, page] = [fixture, fresh]), { width: 1920, height: 1080 });

  async function openWall(snapshot: Snapshot, query = '') {
    answerUtilisation(web, snapshot);
    const connection = await web.openLive(page, `/wall${query}`, snapshot);
    await page.locator('oar-wall .value', { hasText: `/${snapshot.nodes.length}` }).waitFor();
    await page.locator('oar-utilisation-chart .plot canvas').first().waitFor();
    return connection;
  }

  const screenshot = async (name: string) => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
  };

  /** Share of the nodes area the grid canvases cover (1 = all of it). */
  const coverage = () =>
    page.evaluate(() => {
      const wall = document.querySelector('oar-app')!.shadowRoot!.querySelector('oar-wall')!.shadowRoot!;
      const area = wall.querySelector('.nodes')!.getBoundingClientRect();
      let covered = 0;
      for (const grid of wall.querySelectorAll('oar-node-grid')) {
        const canvas = grid.shadowRoot!.querySelector('canvas')!.getBoundingClientRect();
        covered += canvas.width * canvas.height;
      }
      return covered / (area.width * area.height);
    });

  /** The wall's grid element (the first, or the one of group `index`). */
  const gridProperty = (name: string, index = 0) =>
    page.evaluate(
      ([n, i]) =>
        (
          document
            .querySelector('oar-app')!
            .shadowRoot!.querySelector('oar-wall')!
            .shadowRoot!.querySelectorAll('oar-node-grid')[i] as unknown as Record<string, unknown>
        )[n],
      [name, index] as const,
    );

  /** How the wall's (first) grid painted node `name`. */
  const tile = (name: string) =>
    page.evaluate((n) => {
      const wall = document.querySelector('oar-app')!.shadowRoot!.querySelector('oar-wall')!.shadowRoot!;
      const grid = wall.querySelector('oar-node-grid') as unknown as { tileAppearance(n: string): TileAppearance };
      return grid.tileAppearance(n);
    }, name);

  it.each([
    [4, 0.9],
    [200, 0.8],
    [5000, 0.8],
  ])('fills the screen with %i nodes at 1920×1080, with every part readable, and passes axe', async (count, share) => {
    await openWall(cluster(count));
    expect(await coverage()).toBeGreaterThan(share);
    await page.locator('oar-wall-legend li button').first().waitFor();
    // Readable across a room: legend, ticker and chart text at least 20 px on a 1080p screen.
    const px = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(await px('oar-wall-legend li')).toBeGreaterThanOrEqual(20);
    expect(await px('oar-wall-ticker h2')).toBeGreaterThanOrEqual(16);
    expect(await px('oar-utilisation-chart figcaption')).toBeGreaterThanOrEqual(18);
    // The whole legend shows: none of it is cut off at the bottom of the side panel.
    const [legendBottom, sideBottom] = await page
      .locator('oar-wall aside')
      .evaluate((aside) => [
        aside.querySelector('oar-wall-legend')!.getBoundingClientRect().bottom,
        aside.getBoundingClientRect().bottom,
      ]);
    expect(legendBottom).toBeLessThanOrEqual(sideBottom);
    await expectNoAxeViolations(page);
    await screenshot(`wall-${count}-nodes-1920x1080`);
  });

  it('is laid out for 3840×2160 with type twice as large', async () => {
    await page.setViewportSize({ width: 3840, height: 2160 });
    await openWall(cluster(200));
    expect(await coverage()).toBeGreaterThan(0.8);
    const headline = await page
      .locator('oar-wall .value')
      .first()
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(headline).toBeGreaterThanOrEqual(96);
    await expectNoAxeViolations(page);
    await screenshot('wall-200-nodes-3840x2160');
  });

  it('names the running jobs and users in the grid’s colours, and picks out a job’s cores from the legend', async () => {
    await openWall(cluster(12));
    const legend = page.locator('oar-wall-legend');
    // Jobs 3, 6, 9, 12 run on 4 cores each: listed by id and user, in words, each with its colour.
    const first = legend.getByRole('button', { name: /^Job 3, / });
    await expect(first.textContent()).resolves.toMatch(/3\s+\w+ · 4 cores/);
    const swatch = await first.locator('.swatch').evaluate((el) => getComputedStyle(el).backgroundColor);
    const expected = await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.style.background = `hsl(${Math.round((3 * 137.508) % 360)} 70% 45%)`;
      document.body.append(probe);
      const color = getComputedStyle(probe).backgroundColor;
      probe.remove();
      return color;
    });
    expect(swatch).toBe(expected);
    await expect(legend.locator('li', { hasText: /cores, \d+\s+jobs?/ }).count()).resolves.toBe(3);
    // Keyboard: focusing a job in the legend picks it out on the grid; leaving clears it.
    await first.focus();
    await waitFor(async () => (await tile('node7'))?.highlightJob === 3, {
      describe: 'job 3 picked out',
      intervalMs: 20,
    });
    await first.blur();
    await waitFor(async () => (await tile('node7'))?.highlightJob === undefined, {
      describe: 'no job picked out',
      intervalMs: 20,
    });
    await first.hover();
    await waitFor(async () => (await tile('node1'))?.highlightJob === 3, {
      describe: 'job 3 picked out on hover',
      intervalMs: 20,
    });
    await expectNoAxeViolations(page);
  });

  it('writes the job ids on the cores of the tile under the pointer or the keyboard focus', async () => {
    await openWall(cluster(5000));
    expect((await tile('node3'))?.jobIdsShown).toBe(false);
    const canvas = page.locator('oar-wall oar-node-grid canvas').first();
    await canvas.focus();
    await page.keyboard.press('ArrowRight'); // tile 0 (node1)
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight'); // node3, running job 3
    await waitFor(async () => (await tile('node3'))?.jobIdsShown, { describe: 'job ids on node3', intervalMs: 20 });
    expect((await tile('node2'))?.jobIdsShown).toBe(false);
    await page.keyboard.press('ArrowRight');
    await waitFor(async () => (await tile('node3'))?.jobIdsShown === false, { describe: 'node3 left', intervalMs: 20 });
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + 2); // node1
    await waitFor(async () => (await tile('node1'))?.jobIdsShown, { describe: 'job ids on node1', intervalMs: 20 });
    await expectNoAxeViolations(page);
  });

  it('shows the queue: how many wait and for how long the oldest has (high-contrast theme)', async () => {
    await openWall(cluster(200), '?theme=contrast');
    const stat = (label: string) => page.locator('oar-wall .stat', { hasText: label }).locator('.value').textContent();
    await expect(stat('jobs waiting')).resolves.toBe('2');
    await expect(stat('longest wait')).resolves.toBe('1 h 05 min');
    await expectNoAxeViolations(page);
    await screenshot('wall-contrast-200-nodes-1920x1080');
  });

  it('tells the latest events in words, newest first', async () => {
    const live = await openWall(cluster(12));
    const started = makeJob(77, { state: 'Running', user: 'zoe', nodes: ['node1', 'node2'] });
    live.socket.emit('changes', batch(2, [{ type: 'job.changed', job: started, changed: ['state'] }]));
    live.socket.emit(
      'changes',
      batch(3, [
        { type: 'node.changed', node: makeNode('node5', { state: 'Absent', firstId: 17 }), changed: ['state'] },
      ]),
    );
    const ticker = page.locator('oar-wall-ticker li');
    await ticker.filter({ hasText: 'node5 is now Absent' }).waitFor();
    expect(await ticker.allTextContents()).toEqual([
      expect.stringContaining('node5 is now Absent'),
      expect.stringContaining('Job 77 (zoe) started on 2 nodes'),
    ]);
    await expectNoAxeViolations(page);
  });

  it('draws utilisation over the last 24 hours, described in words', async () => {
    await openWall(cluster(12));
    const described = await page.locator('oar-utilisation-chart .plot').first().getAttribute('aria-label');
    expect(described).toMatch(/^cores busy: 48 now, at most 48 .*cores unavailable: 0 now.* over the last 24 hours\.$/);
    const requested = web.api.sent('GET', '/api/utilisation');
    expect(requested.length).toBeGreaterThan(0);
    // The series are told apart by dash, not only colour, in the key too.
    await expect(page.locator('oar-utilisation-chart figcaption').first().textContent()).resolves.toMatch(
      /solid: cores busy.*dashed: cores unavailable/s,
    );
  });

  it('says when no utilisation has been recorded yet', async () => {
    const snapshot = cluster(12);
    const none: UtilisationColumns = {
      ...utilisation(0),
      at: [],
      coresBusy: [],
      coresFree: [],
      coresUnavailable: [],
      jobsRunning: [],
      jobsWaiting: [],
    };
    web.api.on('GET', '/api/utilisation', () => [200, none]);
    await web.openLive(page, '/wall', snapshot);
    const plot = page.locator('oar-utilisation-chart .plot').first();
    await plot.waitFor();
    expect(await plot.getAttribute('aria-label')).toBe(
      'No samples in the last 24 hours yet: oar-live records one a minute.',
    );
    await expectNoAxeViolations(page);
  });

  it('groups the nodes by a property with ?group=', async () => {
    await openWall(cluster(40), '?group=cluster');
    const headings = await page.locator('oar-wall .group h2').allTextContents();
    expect(headings).toEqual(['cluster a · 10 nodes', 'cluster b · 30 nodes']);
    expect(await gridProperty('nodes', 0).then((n) => (n as unknown[]).length)).toBe(10);
    expect(await gridProperty('nodes', 1).then((n) => (n as unknown[]).length)).toBe(30);
    // The larger group gets the larger share of the screen.
    const heights = await page
      .locator('oar-wall .group')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height));
    expect(heights[1]).toBeGreaterThan(heights[0] * 2);
    expect(await coverage()).toBeGreaterThan(0.6);
    await expectNoAxeViolations(page);
    await screenshot('wall-grouped-by-cluster-1920x1080');
  });

  it('leaves no trace of a flash once it has faded, between tiles included', async () => {
    // The page's clock (timers, animation frames, performance.now) is Playwright's: the test moves it
    // frame by frame, so the flash is seen at full strength however slowly this machine paints. The
    // clock belongs to the browser context, which later tests share: it flows again when this one ends.
    await page.clock.install();
    try {
      await flashFadesFrameByFrame();
    } finally {
      await page.clock.resume();
    }
  });

  async function flashFadesFrameByFrame() {
    const live = await openWall(cluster(200));
    await page.clock.pauseAt(Date.now() + 1000);
    const changed = Array.from({ length: 60 }, (_, i) =>
      makeNode(`node${i * 3 + 1}`, {
        state: i % 2 ? 'Absent' : 'Alive',
        busy: 2,
        jobId: 5000 + i,
        firstId: i * 12 + 1,
      }),
    );
    live.socket.emit(
      'changes',
      batch(
        2,
        changed.map((node) => ({ type: 'node.changed' as const, node, changed: ['state'] })),
      ),
    );
    /** Pixels of the grid canvas that are (close to) the flash colour. */
    const flashPixels = () =>
      page.evaluate(() => {
        const wall = document.querySelector('oar-app')!.shadowRoot!.querySelector('oar-wall')!.shadowRoot!;
        const grid = wall.querySelector('oar-node-grid')!;
        const canvas = grid.shadowRoot!.querySelector('canvas')!;
        const flash = getComputedStyle(grid).getPropertyValue('--flash').trim();
        const probe = document.createElement('canvas').getContext('2d')!;
        probe.fillStyle = flash;
        probe.fillRect(0, 0, 1, 1);
        const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 0; i < data.length; i += 4)
          if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 24) count++;
        return count;
      });
    // One frame at a time until the batch has arrived and its first frame shows the flash.
    await waitFor(
      async () => {
        await page.clock.runFor(16);
        return (await flashPixels()) > 1000;
      },
      { describe: 'the changed tiles flashing' },
    );
    // Past the flash's 1.5 s, frame by frame: nothing of it may stay on the canvas.
    await page.clock.runFor(1600);
    expect(await flashPixels()).toBe(0);
  }

  it('says in plain words that the data is stale, without the header wrapping', async () => {
    const live = await openWall(cluster(5000));
    const header = () =>
      page.locator('oar-wall header').evaluate((el) => ({
        height: el.getBoundingClientRect().height,
        overflows: el.scrollWidth > el.clientWidth + 1,
      }));
    const before = await header();
    expect(before.overflows).toBe(false);
    live.socket.emit(
      'changes',
      batch(2, [
        {
          type: 'source.status',
          status: 'down',
          error: 'OAR cannot be reached: the cluster shown is as last read.',
          detail: 'connect ECONNREFUSED 127.0.0.1:6668',
          lastOkAt: new Date(Date.now() - 90_000).toISOString(),
        },
      ]),
    );
    const banner = page.locator('oar-stale-banner [role=alert]');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toMatch(
      /OAR cannot be reached: the cluster shown is as last read\. Data is \d+ s old\./,
    );
    await expect(banner.textContent()).resolves.not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    const after = await header();
    expect(after).toEqual(before);
    live.socket.conn.close();
    await page.locator('oar-stale-banner', { hasText: 'Connection to oar-live lost' }).waitFor();
    expect(await header()).toEqual(before);
    await expectNoAxeViolations(page);
    await screenshot('wall-stale-5000-nodes-1920x1080');
  });
});

describe('dashboard accessibility at 200 nodes', () => {
  let web: WebFixture;
  let page: Page;
  newPageEachTest((fixture, fresh) => ([web, page] = [fixture, fresh]));

  it('has no axe violation (every scrolling region can be reached by keyboard)', async () => {
    const snapshot = cluster(200);
    answerUtilisation(web, snapshot);
    await web.openLive(page, '/', snapshot);
    await page.locator('oar-dashboard-page oar-node-grid').waitFor();
    await page.locator('oar-utilisation-chart .plot canvas').first().waitFor();
    await expectNoAxeViolations(page);
    expect(web.pageErrors).toEqual([]);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-200-nodes.png'), fullPage: true });
  });
});
