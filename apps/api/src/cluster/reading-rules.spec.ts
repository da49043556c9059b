import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job, JobSummary, Resource } from '@oar-live/oar-client';
import { mapJob, mapJobSummary, mapResource, parsePage } from '../../../../libs/oar-client/src/mapping';
import {
  checkSuspects as checkSuspectSteps,
  judgeSuspects,
  judgeVanished,
  knownIfSame,
  mergeResources,
  newResourceIds,
  noteLightChanges,
  planJobReads,
  REFRESH_BATCH,
  refreshSlice,
  replannedJobs,
  FIRST_PLAN_WINDOW_MS,
  summaryOf,
  type KnownJob,
  VANISHED_JOB_MESSAGE,
} from './reading-rules';

const sample = (file: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'oar', file), 'utf8'));
const items = (file: string) => parsePage(sample(file)).items;

/** OAR's own answers: the light job list and the details of the same two jobs (one Running, one Waiting). */
const listed: JobSummary[] = items('jobs-running-and-waiting.json').map(mapJobSummary);
const detailed: Job[] = items('jobs-details-running-and-waiting.json').map(mapJob);
const lightResources: Resource[] = items('resources-busy.json').map(mapResource);
const fullResources: Resource[] = items('resources-full-busy.json').map(mapResource);

const known = (readAt: number, jobs = detailed): Map<number, KnownJob> =>
  new Map(jobs.map((job) => [job.id, { summary: summaryOf(listed.find((s) => s.id === job.id)!), job, readAt }]));
const refresh = { refreshMs: 120_000, slice: 1 };
const byId = (rows: Resource[]) => new Map(rows.map((r) => [r.id, r]));
/** checkSuspects run to its end (the reader paces it; the rule is the same). */
const checkSuspects = (...args: Parameters<typeof checkSuspectSteps>) => {
  const steps = checkSuspectSteps(...args);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
};

describe('planJobReads', () => {
  it('reads the details of every job it has not seen', () => {
    expect(planJobReads(new Map(), [], listed, 0, refresh)).toEqual({
      changed: listed.map((j) => j.id).sort((a, b) => a - b),
      owed: [],
      vanished: [],
      refreshed: 0,
    });
  });

  it('reads no change when the light list says nothing changed, and owes the refresh of the least recently read job', () => {
    const now = 1_000_000;
    // Two jobs × 2 s / 120 s → one job a tick is refreshed anyway: the least recently read one.
    const jobs = known(now);
    jobs.get(detailed[0].id)!.readAt = now - 10;
    expect(planJobReads(jobs, detailed, listed, now, refresh)).toEqual({
      changed: [],
      owed: [detailed[0].id],
      vanished: [],
      refreshed: 1,
    });
  });

  it('reads the details of a job whose state changed in the light list', () => {
    const now = 1_000_000;
    const moved = listed.map((s, i) => (i === 1 ? { ...s, state: 'Finishing' } : s));
    const plan = planJobReads(known(now), detailed, moved, now, { refreshMs: 1e12, slice: 0 });
    expect(plan).toMatchObject({ changed: [listed[1].id], owed: [] });
  });

  it('re-reads a job whose details are older than the refresh bound, however many jobs there are', () => {
    const now = 1_000_000;
    const jobs = known(now);
    jobs.get(detailed[1].id)!.readAt = now - refresh.refreshMs;
    const plan = planJobReads(jobs, detailed, listed, now, { refreshMs: refresh.refreshMs, slice: 0 });
    expect(plan).toMatchObject({ changed: [], owed: [detailed[1].id], refreshed: 1 });
  });

  describe('a new waiting job OAR has not placed yet', () => {
    const now = Date.parse('2026-12-05T10:00:00Z');
    const waiting = (id: number, submittedAgoMs: number, readAgoMs: number, scheduledStart?: string): KnownJob => {
      const job = { ...detailed[0], id, state: 'Waiting', submittedAt: new Date(now - submittedAgoMs).toISOString() };
      delete job.scheduledStart;
      if (scheduledStart) job.scheduledStart = scheduledStart;
      return { summary: summaryOf(job), job, readAt: now - readAgoMs };
    };
    const plan = (...jobs: KnownJob[]) =>
      planJobReads(
        new Map(jobs.map((k) => [k.job.id, k])),
        [],
        jobs.map((k) => k.summary),
        now,
        { refreshMs: 1e9, slice: 0 },
      );

    it('is read again once the time since its last read is its age at that read, until its plan shows', () => {
      // Read at 1 s of age, now 3 s: due. Read at 6 s of age, now 9 s: not yet (due at 12 s).
      expect(plan(waiting(1, 3_000, 2_000), waiting(2, 9_000, 3_000)).owed).toEqual([1]);
      expect(plan(waiting(3, 3_000, 2_000, '2026-12-05T10:05:00Z')).owed).toEqual([]);
    });

    it('is left to the refresh once older than the window, however long the stretched refresh bound', () => {
      expect(plan(waiting(1, FIRST_PLAN_WINDOW_MS + 1, FIRST_PLAN_WINDOW_MS)).owed).toEqual([]);
    });

    it('costs a handful of reads over the window, read at every tick: never more than 5 such jobs a tick', () => {
      const jobs = new Map<number, KnownJob>(
        Array.from({ length: 1000 }, (_, i) => [i + 1, waiting(i + 1, 0, 0)] as const),
      );
      const listedAll = [...jobs.values()].map((k) => k.summary);
      const reads = new Map<number, number>();
      for (let at = now + 2_000; at < now + FIRST_PLAN_WINDOW_MS + 10_000; at += 2_000) {
        const { owed } = planJobReads(jobs, [], listedAll, at, { refreshMs: 1e9, slice: 0 });
        expect(owed.length).toBeLessThanOrEqual(5);
        for (const id of owed) {
          jobs.get(id)!.readAt = at;
          reads.set(id, (reads.get(id) ?? 0) + 1);
        }
      }
      // A tick's 5 go to the least recently read: a job first read at 2 s is read at ~4, 8, 16, 32, 64 s.
      const single = new Map([[1, waiting(1, 0, 0)]]);
      let count = 0;
      for (let at = now + 2_000; at < now + FIRST_PLAN_WINDOW_MS + 10_000; at += 2_000) {
        const { owed } = planJobReads(single, [], [single.get(1)!.summary], at, { refreshMs: 1e9, slice: 0 });
        if (owed.length === 0) continue;
        single.get(1)!.readAt = at;
        count += 1;
      }
      expect(count).toBeGreaterThanOrEqual(5);
      expect(count).toBeLessThanOrEqual(8);
      expect(Math.max(...reads.values())).toBeLessThanOrEqual(8);
    });
  });

  it('owes a read each tick of a job planned on a resource that changed state, until the window ends', () => {
    const now = 1_000_000;
    const jobs = known(now);
    const waitingId = detailed[1].id;
    const planned = [
      { id: waitingId, plannedResourceIds: [7] },
      { id: detailed[0].id, plannedResourceIds: [8] },
    ];
    const until = replannedJobs(new Map([[99, now - 1]]), planned, new Set([7]), now, 30_000);
    expect([...until]).toEqual([[waitingId, now + 30_000]]);
    const noRefresh = { refreshMs: 1e12, slice: 0 };
    expect(planJobReads(jobs, detailed, listed, now + 29_000, { ...noRefresh, replannedUntil: until }).owed).toEqual([
      waitingId,
    ]);
    expect(planJobReads(jobs, detailed, listed, now + 31_000, { ...noRefresh, replannedUntil: until }).owed).toEqual(
      [],
    );
    expect(replannedJobs(until, planned, new Set(), now + 31_000, 30_000).size).toBe(0);
  });

  it('refreshes every job within the bound when the ticks come at the planned period', () => {
    const many: JobSummary[] = Array.from({ length: 50 }, (_, i) => ({ ...listed[0], id: i + 1 }));
    const jobs = new Map<number, KnownJob>(
      many.map((s) => [s.id, { summary: s, job: { ...detailed[0], id: s.id }, readAt: 0 }]),
    );
    const lastRead = new Map<number, number>();
    const period = { refreshMs: refresh.refreshMs, tickMs: 2000 };
    let owed = 0;
    for (let now = 0; now <= 240_000; now += period.tickMs) {
      const next = refreshSlice(owed, many.length, period);
      owed = next.owed;
      for (const id of planJobReads(jobs, [], many, now, { ...refresh, slice: next.slice }).owed) {
        jobs.get(id)!.readAt = now;
        const before = lastRead.get(id);
        if (before !== undefined) expect(now - before).toBeLessThanOrEqual(refresh.refreshMs);
        lastRead.set(id, now);
      }
    }
    expect(lastRead.size).toBe(many.length);
  });

  it('calls vanished every job published or known that the list no longer has', () => {
    const plan = planJobReads(known(0, [detailed[0]]), [detailed[1]], [], 0, refresh);
    expect(plan.vanished).toEqual([detailed[0].id, detailed[1].id].sort((a, b) => a - b));
  });
});

describe('refreshSlice', () => {
  const period = { refreshMs: 100_000, tickMs: 2000 };

  it('owes the fraction of a tick and reads nothing until a batch is owed', () => {
    // 100 jobs, 2 s ticks, 100 s bound: 2 owed a tick, a batch after 3 ticks.
    let owed = 0;
    const slices: number[] = [];
    for (let tick = 0; tick < 6; tick++) {
      const next = refreshSlice(owed, 100, period);
      slices.push(next.slice);
      owed = next.owed;
    }
    expect(slices).toEqual([0, 0, REFRESH_BATCH + 1, 0, 0, REFRESH_BATCH + 1]);
    expect(owed).toBe(0);
  });

  it('with fewer jobs than a batch, reads them all once all are owed, never more than are listed', () => {
    expect(refreshSlice(0, 2, { refreshMs: 4000, tickMs: 2000 })).toEqual({ slice: 0, owed: 1 });
    expect(refreshSlice(1, 2, { refreshMs: 4000, tickMs: 2000 })).toEqual({ slice: 2, owed: 0 });
    expect(refreshSlice(0, 2, { refreshMs: 1000, tickMs: 60_000 })).toEqual({ slice: 2, owed: 0 });
    expect(refreshSlice(0, 0, period)).toEqual({ slice: 0, owed: 0 });
  });
});

describe('judgeVanished', () => {
  const running = detailed.find((job) => job.state === 'Running')!;
  const terminated = mapJob(sample('job-terminated.json'));

  it('a final state: the job leaves with it', () => {
    expect(judgeVanished(running, { job: terminated })).toEqual({ final: terminated });
  });

  it('still unfinished: the job stays as OAR says it is now', () => {
    const waiting = mapJob(sample('job-waiting.json'));
    expect(judgeVanished(running, { job: waiting })).toEqual({ still: waiting });
  });

  it('404: OAR forgot the job, it leaves as last seen in the final state Error, its outcome unknown', () => {
    expect(judgeVanished(running, { notFound: true })).toEqual({
      final: { ...running, state: 'Error', exitCode: null, message: VANISHED_JOB_MESSAGE },
    });
  });

  it('any other failure: the job stays as it was and the source is degraded', () => {
    expect(judgeVanished(running, { error: 'OAR answered 500' })).toEqual({
      still: running,
      problem: {
        error: `The final state of job ${running.id} could not be read from OAR yet: it is shown as last seen.`,
        detail: 'OAR answered 500',
      },
    });
  });
});

describe('resources from the light list', () => {
  it('asks for the full rows of the resources it has not seen only', () => {
    expect(newResourceIds(byId(fullResources.slice(2)), lightResources)).toEqual([1, 2]);
  });

  it('the light rows of known resources give exactly the full read when nothing else changed', () => {
    expect(mergeResources(byId(fullResources), lightResources)).toEqual(fullResources);
  });

  it('keeps the object of a row the light list did not change, and makes a new one for a changed row', () => {
    const light = lightResources.map((r) => (r.id === 3 ? { ...r, state: 'Absent' } : r));
    const known = byId(fullResources);
    const merged = mergeResources(known, light);
    expect(merged.find((r) => r.id === 1)).toBe(known.get(1));
    expect(merged.find((r) => r.id === 3)).not.toBe(known.get(3));
  });

  it('stands the known row for a light row that says the same, as it arrives; keeps a changed or new one', () => {
    const known = byId(fullResources.slice(1));
    const light = lightResources.map((r) => (r.id === 3 ? { ...r, state: 'Absent' } : r));
    const kept = light.map((row) => knownIfSame(known, row));
    expect(kept[1]).toBe(known.get(2));
    expect(kept[0]).toBe(light[0]); // new
    expect(kept[2]).toBe(light[2]); // changed
    // And the merge gives what it gives from the light rows themselves.
    expect(mergeResources(known, kept, byId(fullResources))).toEqual(mergeResources(known, light, byId(fullResources)));
  });

  it('takes state, node and availableUpto from the light row, the rest from the full row', () => {
    const light = lightResources.map((r) => (r.id === 3 ? { ...r, state: 'Absent', availableUpto: 0 } : r));
    const merged = mergeResources(byId(fullResources), light);
    expect(merged.find((r) => r.id === 3)).toEqual({
      ...fullResources.find((r) => r.id === 3),
      state: 'Absent',
      availableUpto: 0,
    });
  });

  it('a default value in the light row drops the field, as a full read would', () => {
    const absent = fullResources.map((r) => (r.id === 3 ? { ...r, availableUpto: 0 } : r));
    expect(mergeResources(byId(absent), lightResources).find((r) => r.id === 3)).toEqual(
      fullResources.find((r) => r.id === 3),
    );
  });

  it('drops resources the light list no longer has, adds the fetched new ones', () => {
    const merged = mergeResources(byId(fullResources.slice(1)), lightResources.slice(0, 4), byId(fullResources));
    expect(merged.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(merged[0]).toEqual(fullResources[0]);
  });

  it('leaves out a new resource whose full row could not be read', () => {
    expect(mergeResources(byId(fullResources.slice(1)), lightResources).map((r) => r.id)).not.toContain(1);
  });
});

describe('checking a full re-read that ran beside the ticks', () => {
  const [running, waiting] = detailed;
  const mark = { jobLists: 5, resourceLists: 3, at: 1_000_000 };
  /** The incremental state: both jobs read before the full re-read began, no item changed since list 2. */
  const incremental = (changes: { jobs?: [number, number][]; resources?: [number, number][] } = {}) => ({
    jobs: known(mark.at - 10_000),
    resources: byId(fullResources),
    jobChangedIn: new Map([...detailed.map((j): [number, number] => [j.id, 2]), ...(changes.jobs ?? [])]),
    resourceChangedIn: new Map([
      ...fullResources.map((r): [number, number] => [r.id, 2]),
      ...(changes.resources ?? []),
    ]),
  });
  const fullWith = (jobs: Job[], resources = fullResources) => ({ jobs, finals: new Map<number, Job>(), resources });
  const none = { jobs: new Map<number, Job>(), resources: new Map<number, Resource | null>() };
  const refreshMs = 120_000;
  const node4Absent = fullResources.map((r) => (r.node === 'node4' ? { ...r, state: 'Absent' } : r));
  const node4Ids = fullResources.filter((r) => r.node === 'node4').map((r) => r.id);

  it('suspects nothing when the full re-read agrees', () => {
    expect(checkSuspects(incremental(), fullWith(detailed), mark)).toEqual({ jobs: [], resources: [] });
  });

  it('does not suspect an item the light lists saw change after the full re-read began', () => {
    const ended = { ...running, state: 'Finishing' };
    const changed = {
      jobs: [[running.id, 6]] as [number, number][],
      resources: node4Ids.map((id): [number, number] => [id, 4]),
    };
    expect(checkSuspects(incremental(changed), fullWith([ended, waiting], node4Absent), mark)).toEqual({
      jobs: [],
      resources: [],
    });
  });

  it('does not suspect a job whose details the incremental reader read after the full re-read began', () => {
    const jobs = known(mark.at - 10_000);
    jobs.get(waiting.id)!.readAt = mark.at + 500;
    const view = { ...incremental(), jobs };
    expect(checkSuspects(view, fullWith([running, { ...waiting, message: 'moved' }]), mark).jobs).toEqual([]);
  });

  it('does not suspect a job no light list ever showed (it came and went while the full read ran)', () => {
    const passing = { ...waiting, id: 999_999 };
    expect(checkSuspects(incremental(), fullWith([...detailed, passing]), mark).jobs).toEqual([]);
  });

  it('suspects a still item on which the two disagree', () => {
    const full = fullWith([running, { ...waiting, state: 'Hold' }], node4Absent);
    expect(checkSuspects(incremental(), full, mark)).toEqual({ jobs: [waiting.id], resources: node4Ids });
  });

  it('counts and corrects what the second read confirms, through the returned state', () => {
    const held = { ...waiting, state: 'Hold' };
    const full = fullWith([running, held], node4Absent);
    const suspects = checkSuspects(incremental(), full, mark);
    const reads = {
      jobs: new Map([[waiting.id, held]]),
      resources: new Map(node4Absent.filter((r) => r.node === 'node4').map((r): [number, Resource] => [r.id, r])),
    };
    const verdict = judgeSuspects(incremental(), full, suspects, reads, mark.at + 60_000, refreshMs);
    expect(verdict.differences).toBe(1 + node4Ids.length);
    expect(verdict.jobs.get(waiting.id)!.job.state).toBe('Hold');
    expect(node4Ids.map((id) => verdict.resources.get(id)!.state)).toEqual(node4Ids.map(() => 'Absent'));
  });

  it('neither counts nor changes what the second read says the incremental state had right (a passing state)', () => {
    const full = fullWith(detailed, node4Absent);
    const suspects = checkSuspects(incremental(), full, mark);
    const reads = {
      ...none,
      resources: new Map(fullResources.filter((r) => r.node === 'node4').map((r): [number, Resource] => [r.id, r])),
    };
    const verdict = judgeSuspects(incremental(), full, suspects, reads, mark.at + 60_000, refreshMs);
    expect(verdict.differences).toBe(0);
    expect([...verdict.resources.values()]).toEqual(fullResources);
  });

  it('takes a value that changed again without counting it', () => {
    const full = fullWith([running, { ...waiting, state: 'Hold' }]);
    const reads = { ...none, jobs: new Map([[waiting.id, { ...waiting, state: 'Running' }]]) };
    const verdict = judgeSuspects(
      incremental(),
      full,
      { jobs: [waiting.id], resources: [] },
      reads,
      mark.at,
      refreshMs,
    );
    expect(verdict.differences).toBe(0);
    expect(verdict.jobs.get(waiting.id)!.job.state).toBe('Running');
  });

  it('excuses a field only details carry within the refresh bound, and counts it past the bound', () => {
    const moved = { ...waiting, message: 'moved in the Gantt' };
    const full = fullWith([running, moved]);
    const reads = { ...none, jobs: new Map([[waiting.id, moved]]) };
    const suspects = { jobs: [waiting.id], resources: [] };
    const within = judgeSuspects(incremental(), full, suspects, reads, mark.at, refreshMs);
    expect(within.differences).toBe(0);
    expect(within.jobs.get(waiting.id)!.job.message).toBe('moved in the Gantt');
    expect(judgeSuspects(incremental(), full, suspects, reads, mark.at + refreshMs, refreshMs).differences).toBe(1);
  });

  it('removes a job the second read finds ended, with its final state', () => {
    const ended = { ...running, state: 'Terminated', exitCode: 0 };
    const full = { ...fullWith([waiting]), finals: new Map([[running.id, ended]]) };
    const reads = { ...none, jobs: new Map([[running.id, ended]]) };
    const verdict = judgeSuspects(
      incremental(),
      full,
      checkSuspects(incremental(), full, mark),
      reads,
      mark.at,
      refreshMs,
    );
    expect(verdict.differences).toBe(1);
    expect(verdict.jobs.has(running.id)).toBe(false);
    expect(verdict.finals.get(running.id)).toEqual(ended);
  });
});

describe('noteLightChanges', () => {
  it('notes the list in which an item appeared, changed or disappeared, and leaves the others', () => {
    const changedIn = new Map([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    const before = new Map([
      [1, { s: 'a' }],
      [2, { s: 'b' }],
      [3, { s: 'c' }],
    ]);
    const after = new Map([
      [1, { s: 'a' }],
      [2, { s: 'B' }],
      [4, { s: 'd' }],
    ]);
    expect(noteLightChanges(changedIn, before, after, 7)).toBe(3);
    expect([...changedIn].sort(([a], [b]) => a - b)).toEqual([
      [1, 1],
      [2, 7],
      [3, 7],
      [4, 7],
    ]);
  });
});

describe('knownIfSame on a light list read again', () => {
  it('gives the known row for each resource the list did not change, the light row for each it did', () => {
    const known = byId(fullResources);
    const again: Resource[] = items('resources-busy.json').map(mapResource);
    expect(again.every((row) => knownIfSame(known, row) === known.get(row.id))).toBe(true);
    const moved = again.map((row, i) =>
      i === 0 ? { ...row, state: 'Absent' } : i === 1 ? { ...row, availableUpto: 0 } : row,
    );
    const changed = moved.filter((row) => knownIfSame(known, row) !== known.get(row.id));
    expect(changed.map((row) => row.id)).toEqual([again[0].id, again[1].id]);
  });
});
