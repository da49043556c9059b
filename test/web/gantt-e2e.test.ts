/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Job } from '@oar-live/oar-client';
import { jobIdOf, type PredictionAccuracy, type WaitExplanation } from '@oar-live/shared';
import type { Page } from 'playwright-core';
import { Subscriber } from '../live/api';
import { basicClient, identClient } from '../oar-client/sandbox-clients';
import { waitFor } from '../support/wait-for';
import { expectNoAxeViolations } from './support/axe';
import { openRoute } from './support/app-page';
import { startSandboxE2e, stopSandboxE2e } from './support/sandbox-e2e';
import type { Browser } from './support/web-harness';

const DOCS = join(__dirname, '..', '..', 'docs');
type DrawnBar = { jobId: number; kind: string; start: number; end: number };

/**
 * Issue 18 end to end: the real OAR sandbox → the real API (own process, real Redis) → a Socket.IO
 * subscriber and the Gantt in Chromium. A job fills the cluster, a job waits behind it; cancelling
 * the first one moves the second. Run under the sandbox lock.
 */
describe('live Gantt and why-waiting on the real OAR sandbox', () => {
  let api: Awaited<ReturnType<typeof startSandboxE2e>>['api'];
  let browser: Browser;
  let page: Page;
  let subscriber: Subscriber | undefined;
  const oar = identClient();

  beforeAll(async () => {
    ({ api, browser, page } = await startSandboxE2e([
      { name: 'alice', password: 'alice-gantt-pw', roles: ['user'], oarLogin: 'alice' },
    ]));
  }, 180_000);

  afterAll(async () => {
    subscriber?.socket.close();
    await stopSandboxE2e({ api, browser });
  }, 60_000);

  const job = async (id: number) => (await fetch(`${api.url}/api/jobs/${id}`)).json() as Promise<Job>;
  const why = async (id: number) => (await fetch(`${api.url}/api/jobs/${id}/why`)).json() as Promise<WaitExplanation>;
  /** The bars the Gantt draws now, on /gantt or on the wall (/wall?view=gantt). */
  const drawn = () =>
    page.evaluate(() => {
      const root = document.querySelector('oar-app')!.shadowRoot!;
      const gantt = (root.querySelector('oar-gantt') ??
        root.querySelector('oar-gantt-page')!.shadowRoot!.querySelector('oar-gantt')) as unknown as {
        drawnBars(): DrawnBar[];
      };
      return gantt.drawnBars();
    });

  it('predicts, explains and follows a job waiting behind a full cluster, live to a subscriber and the Gantt', async () => {
    await openRoute(page, `${api.url}/gantt`);
    subscriber = new Subscriber(api.url);
    const blocker = await oar.jobs.submit(
      { command: 'sleep 600', resources: '/nodes=4/core=2,walltime=00:20:00', name: 'fills-all' },
      { as: 'alice' },
    );
    const behind = await oar.jobs.submit(
      { command: 'sleep 30', resources: '/nodes=1/core=1,walltime=00:05:00', name: 'behind' },
      { as: 'alice' },
    );
    const waiting = await waitFor(
      async () => {
        const [first, second] = await Promise.all([job(blocker.id), job(behind.id)]);
        const planned = first.state === 'Running' && !!second.plannedResourceIds?.length && !!second.scheduledStart;
        return planned ? second : undefined;
      },
      { describe: `job ${behind.id} planned behind running job ${blocker.id}`, timeoutMs: 60_000 },
    );
    const oarstat = JSON.parse(execFileSync('oarstat', ['-f', '-J', '-j', String(behind.id)], { encoding: 'utf8' }));
    expect(
      Math.abs(Date.parse(waiting.scheduledStart!) / 1000 - oarstat[behind.id].scheduledStart),
    ).toBeLessThanOrEqual(1);
    expect(waiting).toMatchObject({ state: 'Waiting', resourceIds: [], plannedResourceIds: [expect.any(Number)] });

    const explained = await why(behind.id);
    expect(explained).toMatchObject({ waiting: true, neverStarts: false, scheduledStart: waiting.scheduledStart });
    const blocking = explained.reasons.find((r) => r.kind === 'blocked-by');
    expect(blocking?.jobIds).toEqual([blocker.id]);
    expect(blocking?.text).toMatch(new RegExp(`^Job ${blocker.id} \\(alice, Running\\) holds 1 of the 1 core`));
    expect(explained.reasons.find((r) => r.kind === 'predicted-start')?.text).toMatch(
      /^OAR predicts job \d+ starts at .*, in \d+ min/,
    );

    const bars = await waitFor(
      async () => {
        const shown = await drawn();
        const kinds = new Map(shown.map((bar) => [bar.jobId, bar.kind]));
        return kinds.get(blocker.id) === 'running' && kinds.get(behind.id) === 'planned' && shown;
      },
      { describe: 'the Gantt drawing the running blocker and the planned job' },
    );
    expect(bars.find((bar) => bar.jobId === behind.id)!.start).toBe(Date.parse(waiting.scheduledStart!));
    const canvas = page.locator('oar-gantt canvas');
    await canvas.focus();
    await canvas.press(']');
    await canvas.press(']');
    await page.locator('oar-gantt .sr', { hasText: /Job \d+ \(alice\)/ }).waitFor();
    await expectNoAxeViolations(page);
    await page.screenshot({ path: join(DOCS, 'web-gantt-waiting-light.png') });

    // The job detail panel explains it too.
    await openRoute(page, `${api.url}/jobs`);
    await page.locator(`oar-job-table tbody tr[data-job-id="${behind.id}"]`).click();
    const reason = page.locator('oar-job-detail oar-job-why li[data-kind=blocked-by]');
    await reason.waitFor();
    expect(await reason.textContent()).toContain(`Job ${blocker.id} (alice, Running) holds`);
    await openRoute(page, `${api.url}/gantt`);

    await oar.jobs.cancel(blocker.id, { as: 'alice' });
    // The change reaches a Socket.IO subscriber and the Gantt: the waiting job starts.
    await subscriber.until(
      () =>
        subscriber!.batches.some((batch) =>
          batch.events.some(
            (e) =>
              (e.type === 'job.changed' || e.type === 'job.added') &&
              jobIdOf(e) === behind.id &&
              !!('job' in e ? e.job.startedAt : e.set?.startedAt),
          ),
        ),
      `job ${behind.id} starting in the live feed`,
      90_000,
    );
    await waitFor(async () => (await drawn()).some((bar) => bar.jobId === behind.id && bar.kind === 'running'), {
      describe: `the Gantt drawing job ${behind.id} running`,
      timeoutMs: 30_000,
    });
    expect(await why(behind.id)).toMatchObject({ waiting: false, reasons: [{ kind: 'not-waiting' }] });
    // Its first prediction and real start were recorded: it started earlier than predicted.
    const accuracy = await waitFor(
      async () => {
        const answer = (await (await fetch(`${api.url}/api/predictions`)).json()) as PredictionAccuracy;
        return answer.samples === 1 && answer;
      },
      { describe: 'the prediction of the started job recorded' },
    );
    expect(accuracy.medianSeconds).toBeLessThan(-60);
    await page.screenshot({ path: join(DOCS, 'web-gantt-started-light.png') });

    await openRoute(page, `${api.url}/wall?view=gantt`);
    const onWall = await waitFor(
      async () => {
        const kinds = new Map((await drawn()).map((bar) => [bar.jobId, bar.kind]));
        return kinds.get(behind.id) === 'running' && kinds.get(blocker.id) === 'finished';
      },
      { describe: 'the wall Gantt drawing the started job, and the cancelled one (read from OAR) as finished' },
    );
    expect(onWall).toBe(true);
    await expectNoAxeViolations(page);
    await page.screenshot({ path: join(DOCS, 'web-gantt-wall.png') });
  }, 300_000);

  it('explains a job whose only matching node went Dead as never able to start', async () => {
    const holder = await oar.jobs.submit(
      { command: 'sleep 600', resources: '/nodes=1/core=2,walltime=00:20:00', property: "host='node4'" },
      { as: 'alice' },
    );
    const stuck = await oar.jobs.submit(
      { command: 'sleep 5', resources: '/nodes=1/core=2,walltime=00:05:00', property: "host='node4'" },
      { as: 'alice' },
    );
    await waitFor(async () => (await job(holder.id)).state === 'Running' && (await job(stuck.id)).scheduledStart, {
      describe: `job ${holder.id} running on node4 and job ${stuck.id} planned behind it`,
    });
    const admin = basicClient();
    for (const resource of (await oar.resources.full()).filter((r) => r.node === 'node4'))
      await admin.resources.setState(resource.id, 'Dead', { as: 'oar' });
    const never = await waitFor(
      async () => {
        const answer = await why(stuck.id);
        return answer.neverStarts && answer;
      },
      { describe: `job ${stuck.id} explained as never able to start`, timeoutMs: 60_000 },
    );
    expect(never.reasons.find((r) => r.kind === 'never')!.text).toMatch(
      new RegExp(`^Job ${stuck.id} will never start: no resources of this cluster can ever match its request .*node4`),
    );
    expect((await job(holder.id)).state).toBe('Running');
  }, 180_000);
});
