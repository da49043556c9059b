/// <reference lib="dom" /> // page.evaluate callbacks run in the browser
/**
 * The live Gantt (/gantt) in Debian's Chromium at 1920×1080 with 25,000 resources (6,250 nodes × 4
 * cores) and 1,000 jobs (700 running, 300 waiting at a predicted place): time to first render of the
 * snapshot (goal ≤ 200 ms) and to apply one 250-change batch (200 moved predictions, 50 jobs ending;
 * goal ≤ 16 ms median), measured in the page around the store call until the Gantt has drawn.
 * Side by side: the same batch applied by the store alone (applyBatch), to show the Gantt's share.
 */
import type { Job, Node } from '@oar-live/oar-client';
import type { LiveEvent } from '@oar-live/shared';
import type { JSHandle } from 'playwright-core';
import { appLiveStore, openScriptedApp, round, timeBatchesSideBySide, type Updatable } from './browser-bench';
import { batch, makeJob, makeNode } from '../test/support/live-fixtures';

const NODES = 6250;
const CORES = 4;
const JOBS = 1000;
const RUNNING = 700;
const CORES_PER_JOB = 25;
const CHANGES = 250;
const ROUNDS = 30;
const RENDER_GOAL_MS = 200;
const BATCH_GOAL_MS = 16;

const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const coresFrom = (first: number) => Array.from({ length: CORES_PER_JOB }, (_, i) => first + i);

function jobAt(k: number, shift = 0): Job {
  if (k <= RUNNING)
    return makeJob(k, {
      state: 'Running',
      startedAt: iso(now - (k % 60) * 60_000),
      walltime: 3600,
      resourceIds: coresFrom((k - 1) * CORES_PER_JOB + 1),
    });
  return makeJob(k, {
    scheduledStart: iso(now + ((k % 120) + 1) * 60_000 + shift),
    walltime: 1800,
    plannedResourceIds: coresFrom((((k - RUNNING - 1) * CORES_PER_JOB) % (NODES * CORES)) + 1),
  });
}

function snapshot() {
  const nodes: Node[] = Array.from({ length: NODES }, (_, i) =>
    makeNode(`node${i + 1}`, { cores: CORES, firstId: i * CORES + 1 }),
  );
  const jobs = Array.from({ length: JOBS }, (_, i) => jobAt(i + 1));
  return { epoch: 'bench', seq: 1, at: iso(now), source: { status: 'up' }, nodes, jobs };
}

function changeBatch(seq: number) {
  const events: LiveEvent[] = [];
  for (let i = 0; i < CHANGES - 50; i++) {
    const k = RUNNING + 1 + ((seq * 37 + i) % (JOBS - RUNNING));
    events.push({ type: 'job.changed', job: jobAt(k, seq * 1000), changed: ['scheduledStart'] });
  }
  for (let i = 0; i < 50; i++) {
    const k = 1 + ((seq * 53 + i * 13) % RUNNING);
    events.push({ type: 'job.removed', id: k, job: { ...jobAt(k), state: 'Terminated', stoppedAt: iso(now) } });
  }
  return batch(seq, events);
}

type GanttElement = Updatable & { model: { rows: unknown[]; bars: Map<number, unknown> } };

export async function run(): Promise<object> {
  const { page, close } = await openScriptedApp('/gantt');
  try {
    const gantt = (await page.waitForFunction(() =>
      document
        .querySelector('oar-app')
        ?.shadowRoot?.querySelector('oar-gantt-page')
        ?.shadowRoot?.querySelector('oar-gantt'),
    )) as JSHandle<GanttElement>;
    const live = await appLiveStore(page);
    // The snapshot is handed to the page first (Playwright's transfer of 25,000 resources is not the
    // Gantt's work), then the page's own frames are let pass, then the timed render.
    await page.evaluate((snap) => {
      (window as unknown as { benchSnapshot: unknown }).benchSnapshot = snap;
    }, snapshot());
    await page.evaluate(async () => {
      for (let i = 0; i < 3; i++) await new Promise(requestAnimationFrame);
    });
    const firstRender = await page.evaluate(
      async ([store, view]) => {
        const t0 = performance.now();
        store.receiveSnapshot((window as unknown as { benchSnapshot: unknown }).benchSnapshot);
        const received = performance.now() - t0;
        await view.updateComplete;
        const scripted = performance.now() - t0;
        await new Promise(requestAnimationFrame);
        const frame = performance.now() - t0;
        await new Promise(requestAnimationFrame);
        return {
          receivedMs: received,
          scriptingMs: scripted,
          toNextFrameMs: frame,
          toSecondFrameMs: performance.now() - t0,
        };
      },
      [live, gantt] as const,
    );

    const batches = Array.from({ length: ROUNDS }, (_, i) => changeBatch(2 + i));
    const timed = await timeBatchesSideBySide(page, live, [gantt], snapshot(), batches);

    const drawn = await gantt.evaluate((view) => ({ rows: view.model.rows.length, bars: view.model.bars.size }));
    if (drawn.rows !== NODES * CORES) throw new Error(`the Gantt has ${drawn.rows} rows, not ${NODES * CORES}`);
    return {
      resources: NODES * CORES,
      jobs: JOBS,
      barsAfterBatches: drawn.bars,
      changesPerBatch: CHANGES,
      rounds: ROUNDS,
      firstRender: Object.fromEntries(Object.entries(firstRender).map(([k, v]) => [k, round(v)])),
      renderGoalMs: RENDER_GOAL_MS,
      applyBatch250: timed.inApp,
      storeOnlyApplyBatch250: timed.storeAlone,
      batchGoalMs: BATCH_GOAL_MS,
      meetsGoals: firstRender.toNextFrameMs <= RENDER_GOAL_MS && timed.inApp.medianMs <= BATCH_GOAL_MS,
    };
  } finally {
    await close();
  }
}
