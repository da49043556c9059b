import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildNodes, type Job, type JobSummary, type Resource } from '@oar-live/oar-client';
import { mapJob, mapJobSummary, mapResource, parsePage } from '../../../../libs/oar-client/src/mapping';
import { diffCluster } from './differ';
import {
  judgeVanished,
  mergeResources,
  missedDifferences,
  newResourceIds,
  planJobReads,
  summaryOf,
  type KnownJob,
  type LightLists,
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
const refresh = { refreshMs: 120_000, tickMs: 2000 };

describe('planJobReads', () => {
  it('reads the details of every job it has not seen', () => {
    expect(planJobReads(new Map(), [], listed, 0, refresh)).toEqual({
      details: listed.map((j) => j.id).sort((a, b) => a - b),
      vanished: [],
      refreshed: 0,
    });
  });

  it('reads nothing when the light list says nothing changed and every detail is fresh', () => {
    const now = 1_000_000;
    // Two jobs × 2 s / 120 s → one job a tick is refreshed anyway: the least recently read one.
    const jobs = known(now);
    jobs.get(detailed[0].id)!.readAt = now - 10;
    expect(planJobReads(jobs, detailed, listed, now, refresh)).toEqual({
      details: [detailed[0].id],
      vanished: [],
      refreshed: 1,
    });
  });

  it('reads the details of a job whose state changed in the light list', () => {
    const now = 1_000_000;
    const moved = listed.map((s, i) => (i === 1 ? { ...s, state: 'Finishing' } : s));
    const plan = planJobReads(known(now), detailed, moved, now, { refreshMs: 1e12, tickMs: 0 });
    expect(plan.details).toEqual([listed[1].id]);
  });

  it('re-reads a job whose details are older than the refresh bound, however many jobs there are', () => {
    const now = 1_000_000;
    const jobs = known(now);
    jobs.get(detailed[1].id)!.readAt = now - refresh.refreshMs;
    const plan = planJobReads(jobs, detailed, listed, now, { refreshMs: refresh.refreshMs, tickMs: 0 });
    expect(plan.details).toEqual([detailed[1].id]);
  });

  it('refreshes every job within the bound when the ticks come at the planned period', () => {
    const many: JobSummary[] = Array.from({ length: 50 }, (_, i) => ({ ...listed[0], id: i + 1 }));
    const jobs = new Map<number, KnownJob>(
      many.map((s) => [s.id, { summary: s, job: { ...detailed[0], id: s.id }, readAt: 0 }]),
    );
    const lastRead = new Map<number, number>();
    for (let now = 0; now <= 240_000; now += refresh.tickMs) {
      for (const id of planJobReads(jobs, [], many, now, refresh).details) {
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
  const byId = (rows: Resource[]) => new Map(rows.map((r) => [r.id, r]));

  it('asks for the full rows of the resources it has not seen only', () => {
    expect(newResourceIds(byId(fullResources.slice(2)), lightResources)).toEqual([1, 2]);
  });

  it('the light rows of known resources give exactly the full read when nothing else changed', () => {
    expect(mergeResources(byId(fullResources), lightResources)).toEqual(fullResources);
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

describe('missedDifferences', () => {
  const state = { nodes: buildNodes(fullResources, detailed), jobs: detailed };
  const light = (jobs: JobSummary[], resources: Resource[]): LightLists => ({
    jobs: new Map(jobs.map((j) => [j.id, summaryOf(j)])),
    resources: new Map(resources.map((r) => [r.id, r])),
  });
  const same = light(listed, lightResources);

  it('counts a difference the light lists did not explain (a message only details carry)', () => {
    const full = { ...state, jobs: detailed.map((j, i) => (i === 0 ? { ...j, message: 'changed' } : j)) };
    expect(missedDifferences(diffCluster(state, full), state, full, same, same)).toBe(1);
  });

  it('does not count a job whose light row changed during the full read', () => {
    const full = { ...state, jobs: detailed.map((j, i) => (i === 0 ? { ...j, state: 'Finishing' } : j)) };
    const after = light(
      listed.map((s) => (s.id === detailed[0].id ? { ...s, state: 'Finishing' } : s)),
      lightResources,
    );
    expect(missedDifferences(diffCluster(state, full), state, full, same, after)).toBe(0);
  });

  it('counts a node state the incremental state missed, not one that changed meanwhile', () => {
    const absent = fullResources.map((r) => (r.node === 'node4' ? { ...r, state: 'Absent' } : r));
    const full = { ...state, nodes: buildNodes(absent, detailed) };
    const events = diffCluster(state, full);
    expect(missedDifferences(events, state, full, same, same)).toBe(1);
    const after = light(
      listed,
      lightResources.map((r) => (r.node === 'node4' ? { ...r, state: 'Absent' } : r)),
    );
    expect(missedDifferences(events, state, full, same, after)).toBe(0);
  });

  it('finds nothing when the full read agrees', () => {
    expect(missedDifferences(diffCluster(state, state), state, state, same, same)).toBe(0);
  });
});
