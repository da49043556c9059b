/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import type { Job, Node } from '@oar-live/oar-client';
import type { Page } from 'playwright-core';
import { makeJob, makeNode } from '../support/live-fixtures';
import { startWebFixture, type WebFixture } from './support/web-fixture';
import { waitFor } from '../support/wait-for';

/** Presentational elements mounted alone in real Chromium, fed through their properties. */
describe('web elements in Chromium', () => {
  let web: WebFixture;
  let page: Page;

  beforeAll(async () => {
    web = await startWebFixture();
    page = await web.newPage();
    await page.goto(`${web.server.url}/bare.html`);
    await page.waitForFunction(() => customElements.get('oar-node-grid') !== undefined);
  });

  afterAll(async () => web?.stop());
  afterEach(() => expect(web.pageErrors).toEqual([]));

  async function mount(tag: string, props: Record<string, unknown>): Promise<void> {
    await page.evaluate(
      ([t, p]) => {
        document.body.replaceChildren();
        const el = document.createElement(t);
        Object.assign(el, p);
        el.id = 'subject';
        document.body.append(el);
        return (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
      },
      [tag, props] as const,
    );
  }

  const setProps = (props: Record<string, unknown>) =>
    page.evaluate((p) => {
      const el = document.getElementById('subject')!;
      Object.assign(el, p);
      return (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    }, props);

  describe('<oar-node-grid>', () => {
    const nodes: Node[] = [
      makeNode('node1', { busy: 2, jobId: 7 }),
      makeNode('node2', { state: 'Absent', firstId: 3 }),
      makeNode('node3', { state: 'Dead', firstId: 5 }),
      makeNode('node4', { state: 'Suspected', firstId: 7 }),
    ];
    const appearance = (name: string) =>
      page.evaluate(
        (n) =>
          (document.getElementById('subject') as unknown as { tileAppearance(n: string): unknown }).tileAppearance(n),
        name,
      ) as Promise<{ state: string; shape: string; color: string; busyCores: number } | undefined>;

    it('draws each state with its own shape and colour, and a busy core in its job colour', async () => {
      await mount('oar-node-grid', { nodes, tileSize: 80 });
      const looks = await Promise.all(nodes.map((n) => appearance(n.name)));
      expect(looks.map((l) => l?.shape)).toEqual(['circle', 'ring', 'cross', 'triangle']);
      expect(new Set(looks.map((l) => l?.color)).size).toBe(4);
      expect(looks[0]!.busyCores).toBe(2);
      // The first core cell of node1 is painted with job 7's colour (read above the job id written in it).
      const pixel = await page.evaluate(() => {
        const canvas = document.getElementById('subject')!.shadowRoot!.querySelector('canvas')!;
        const dpr = devicePixelRatio;
        const data = canvas.getContext('2d')!.getImageData(Math.round(20 * dpr), Math.round(27 * dpr), 1, 1).data;
        return [data[0], data[1], data[2]];
      });
      const expected = await page.evaluate(() => {
        const probe = document.createElement('canvas').getContext('2d')!;
        probe.fillStyle = `hsl(${Math.round((7 * 137.508) % 360)} 70% 45%)`;
        probe.fillRect(0, 0, 1, 1);
        return [...probe.getImageData(0, 0, 1, 1).data.slice(0, 3)];
      });
      expect(pixel).toEqual(expected);
    });

    it('shows details on hover and on keyboard focus', async () => {
      await mount('oar-node-grid', { nodes, tileSize: 80 });
      const canvas = page.locator('#subject canvas');
      await canvas.hover({ position: { x: 80 + 40, y: 40 } });
      await page.locator('#subject .tip').filter({ hasText: 'node2' }).waitFor();
      expect(await page.locator('#subject .tip').textContent()).toContain('Absent');

      await canvas.focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.locator('#subject [role=status]').filter({ hasText: 'node3' }).waitFor();
      expect(await page.locator('#subject [role=status]').textContent()).toContain('Dead');
    });

    it('hatches a core only planned for a waiting job in its colour, counts it apart from busy ones and names the job', async () => {
      const planned = makeNode('node1');
      planned.resources[1] = { ...planned.resources[1], plannedJobIds: [9] };
      const node = { ...planned, plannedJobIds: [9], plannedCores: 1, stateReason: 'spare' };
      await mount('oar-node-grid', { nodes: [node], tileSize: 80 });
      expect(await appearance('node1')).toMatchObject({ busyCores: 0, hatchedCores: 1 });
      const colours = await page.evaluate(() => {
        const canvas = document.getElementById('subject')!.shadowRoot!.querySelector('canvas')!;
        const dpr = devicePixelRatio;
        const cell = (x: number) => {
          const data = canvas.getContext('2d')!.getImageData(x * dpr, 30 * dpr, 30 * dpr, 40 * dpr).data;
          const seen = new Set<string>();
          for (let i = 0; i < data.length; i += 4) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
          return seen;
        };
        const probe = document.createElement('canvas').getContext('2d')!;
        probe.fillStyle = `hsl(${Math.round((9 * 137.508) % 360)} 70% 45%)`;
        probe.fillRect(0, 0, 1, 1);
        const job = [...probe.getImageData(0, 0, 1, 1).data.slice(0, 3)].join(',');
        return { idle: cell(5).has(job), planned: cell(42).has(job) };
      });
      expect(colours).toEqual({ idle: false, planned: true });
      const canvas = page.locator('#subject canvas');
      await canvas.focus();
      await page.keyboard.press('Home');
      const status = page.locator('#subject [role=status]');
      await status.filter({ hasText: 'node1' }).waitFor();
      expect(await status.textContent()).toMatch(
        /Alive \(spare\)\s+0\/2 cores busy · no jobs\s+planned for waiting job 9/,
      );
    });

    it('redraws a node whose state changed', async () => {
      await mount('oar-node-grid', { nodes, tileSize: 80, flash: true });
      await setProps({ nodes: [makeNode('node1', { state: 'Absent' }), ...nodes.slice(1)] });
      const look = await appearance('node1');
      expect(look).toMatchObject({ state: 'Absent', shape: 'ring', busyCores: 0 });
    });
  });

  describe('<oar-job-table>', () => {
    const jobs: Job[] = [
      makeJob(1, { user: 'bob', state: 'Running' }),
      makeJob(2, { user: 'alice', state: 'Waiting' }),
      makeJob(3, { user: 'carol', state: 'Running', queue: 'besteffort' }),
    ];
    const shownIds = () =>
      page.$$eval('#subject tbody tr', (rows) => rows.map((r) => Number(r.getAttribute('data-job-id'))));

    it('sorts by a column and filters by state, user, queue and text', async () => {
      await mount('oar-job-table', { jobs });
      expect(await shownIds()).toEqual([3, 2, 1]); // newest first by default
      await page.locator('#subject th button', { hasText: 'User' }).click();
      expect(await shownIds()).toEqual([2, 1, 3]);
      await page.locator('#subject label', { hasText: 'State' }).locator('select').selectOption('Running');
      expect(await shownIds()).toEqual([1, 3]);
      await page.locator('#subject label', { hasText: 'Queue' }).locator('select').selectOption('besteffort');
      expect(await shownIds()).toEqual([3]);
      await page.locator('#subject label', { hasText: 'Queue' }).locator('select').selectOption('');
      await page.locator('#subject input[type=search]').fill('sleep 1');
      expect(await shownIds()).toEqual([1]);
    });

    it('keeps the selection across live updates and sends the selected ids for a bulk action', async () => {
      await mount('oar-job-table', { jobs, canAct: true, actor: { oarLogin: 'bob', roles: ['admin'] } });
      await page.locator('#subject input[aria-label="Select job 1"]').check();
      await page.locator('#subject input[aria-label="Select job 3"]').check();
      // A live update: job 1 changes state, job 4 arrives, job 2 leaves.
      await setProps({ jobs: [makeJob(1, { state: 'Finishing' }), jobs[2], makeJob(4)] });
      expect(await page.locator('#subject tr.selected').count()).toBe(2);
      expect(await page.locator('#subject input[aria-label="Select job 3"]').isChecked()).toBe(true);
      // Job 1 is Finishing: nothing can be done to it any more, so it has no box.
      expect(await page.locator('#subject input[aria-label="Select job 1"]').count()).toBe(0);
      const detail = page.evaluate(
        () =>
          new Promise((resolve) =>
            document
              .getElementById('subject')!
              .addEventListener('job-action', (e) => resolve((e as CustomEvent).detail), {
                once: true,
              }),
          ),
      );
      await page.locator('#subject button', { hasText: 'Cancel selected' }).click();
      expect(await detail).toEqual({
        action: 'cancel',
        ids: [3],
        skipped: [{ id: 1, reason: 'Job 1 is Finishing; only a job that has not ended can be cancelled.' }],
      });
    });

    it('does not move rows while the pointer is over them', async () => {
      await mount('oar-job-table', { jobs });
      await page.locator('#subject tbody tr').first().hover();
      await setProps({ jobs: [...jobs, makeJob(9)] }); // would sort first (newest)
      expect(await shownIds()).toEqual([3, 2, 1, 9]);
      await page.mouse.move(0, 0);
      await waitFor(async () => (await shownIds())[0] === 9, {
        describe: 'the table to re-sort once the pointer left',
        intervalMs: 20,
      });
    });
  });

  it('<oar-summary> counts nodes by state, cores and jobs', async () => {
    await mount('oar-summary', {
      summary: {
        nodesByState: { Alive: 3, Dead: 1 },
        cores: { total: 8, busy: 2, planned: 1, free: 3, unavailable: 2 },
        jobsByState: { Running: 1 },
        jobsByQueue: { default: 1 },
      },
    });
    const text = (await page.locator('#subject section').allInnerTexts()).join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('Alive 3');
    expect(text).toContain('Dead 1');
    expect(text).toContain('Busy 2 Planned 1 Free 3 Unavailable 2 Total 8');
    expect(text).toContain('Running 1');
  });
});
