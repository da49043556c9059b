import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildNodes, type Job } from '@oar-live/oar-client';
// OAR's JSON → model, as the client maps it (not exported: only the client reads OAR).
import { mapJob, mapResource, parsePage } from '../../oar-client/src/mapping';
import { FIXTURE_DIR } from '../../../test/support/oar-fixtures';
import { explainWait, humanDuration, type WaitExplanation } from './why-waiting';

/** OAR 2.5.9's answers with a 600 s job (1) filling the cluster, job 2 behind it, job 3 depending on 1, a reservation (4) and a held job (5). */
const read = (file: string) => parsePage(JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8'))).items;
const jobs = read('jobs-details-queue-dependency-reservation-hold.json').map(mapJob);
const resources = read('resources-full-idle.json').map(mapResource);
const cluster = { jobs, nodes: buildNodes(resources, jobs) };
const job = (id: number) => jobs.find((j) => j.id === id)!;
/** One minute after the blocker started. */
const now = Date.parse(job(1).startedAt!) + 60_000;
const kinds = (why: WaitExplanation) => why.reasons.map((r) => r.kind);

describe('explainWait', () => {
  it('gives the predicted start, how far away it is, and the job holding the planned core until its walltime ends', () => {
    const why = explainWait(job(2), cluster, now);
    expect(why).toMatchObject({ waiting: true, neverStarts: false, scheduledStart: job(2).scheduledStart });
    expect(why.startsInSeconds).toBe(1796443124 - 1796442463 - 60);
    expect(kinds(why)).toEqual(['predicted-start', 'blocked-by', 'fair-share']);
    expect(why.reasons[0].text).toBe('OAR predicts job 2 starts at 2026-12-05 03:58:44 UTC, in 10 min 1 s.');
    expect(why.reasons[1]).toEqual({
      kind: 'blocked-by',
      text: 'Job 1 (alice, Running) holds 1 of the 1 core OAR planned for job 2, until 2026-12-05 03:57:43 UTC at the latest (its walltime).',
      jobIds: [1],
      until: '2026-12-05T03:57:43.000Z',
    });
  });

  it('names a dependency not done yet and when OAR expects it to end', () => {
    const why = explainWait(job(3), cluster, now);
    expect(why.reasons.find((r) => r.kind === 'dependency')).toEqual({
      kind: 'dependency',
      text: 'Job 3 may only start once job 1 (alice, Running) has ended, which OAR expects by 2026-12-05 03:57:43 UTC.',
      jobIds: [1],
      until: '2026-12-05T03:57:43.000Z',
    });
    // Once job 1 has left the snapshot (finished), it holds nothing back.
    const later = explainWait(job(3), { ...cluster, jobs: jobs.filter((j) => j.id !== 1) }, now);
    expect(kinds(later)).not.toContain('dependency');
    expect(kinds(later)).not.toContain('blocked-by');
  });

  it('says a reservation starts at its reserved time and a held job waits for a resume', () => {
    const reservation = explainWait(job(4), cluster, now);
    expect(kinds(reservation)).toEqual(['reservation']);
    expect(reservation.reasons[0].text).toBe(
      'Job 4 is an advance reservation: it starts at its reserved time, 2026-12-05 05:47:46 UTC.',
    );
    const held = explainWait(job(5), cluster, now);
    expect(kinds(held)).toEqual(['hold']);
    expect(held.reasons[0].text).toMatch(/^Job 5 is held: OAR will not plan or start it until .* resumes it\.$/);
  });

  it('says a job OAR finds no slot for will never start while every node is Alive or Dead, and names nodes that may come back', () => {
    const stuck: Job = {
      ...job(2),
      scheduledStart: undefined,
      plannedResourceIds: undefined,
      properties: "(host='node9') AND (desktop_computing = 'NO') AND drain='NO'",
      message: 'Cannot find enough resources for job 2',
    };
    const never = explainWait(stuck, cluster, now);
    expect(never.neverStarts).toBe(true);
    expect(never.reasons.find((r) => r.kind === 'never')!.text).toMatch(
      /^Job 2 will never start: no resources of this cluster can ever match its request \(.*host='node9'.*\)\./,
    );
    const away = cluster.nodes.map((node) =>
      node.name === 'node3' ? { ...node, resources: node.resources.map((r) => ({ ...r, state: 'Absent' })) } : node,
    );
    const maybe = explainWait(stuck, { ...cluster, nodes: away }, now);
    expect(maybe.neverStarts).toBe(false);
    expect(maybe.reasons.find((r) => r.kind === 'nodes-away')!.text).toBe(
      'No resources that are up now can take job 2; it may start once node3 is back.',
    );
  });

  it("reads a quota from OAR's message, and says when OAR has not planned a job yet", () => {
    const quota = explainWait(
      { ...job(2), message: 'R=1,W=0:5:0,J=B (Karma=0.120,quota_exceeded:Gantt_quotas->{*}=[9,1,2]>[8,-1,-1])' },
      cluster,
      now,
    );
    expect(quota.reasons.find((r) => r.kind === 'quota')!.text).toContain('A quota of the cluster is reached');
    expect(quota.reasons.find((r) => r.kind === 'fair-share')!.text).toContain('karma is 0.120');
    const fresh = explainWait({ ...job(2), scheduledStart: undefined, plannedResourceIds: undefined }, cluster, now);
    expect(kinds(fresh)).toEqual(['not-planned', 'fair-share']);
  });

  it('says a started job is not waiting, and an overdue prediction starts at the next pass', () => {
    expect(explainWait(job(1), cluster, now)).toMatchObject({
      waiting: false,
      reasons: [{ kind: 'not-waiting', text: 'Job 1 is not waiting: it is Running since 2026-12-05 03:47:43 UTC.' }],
    });
    const overdue = explainWait(job(2), cluster, Date.parse(job(2).scheduledStart!) + 5000);
    expect(overdue.startsInSeconds).toBe(-5);
    expect(overdue.reasons[0].text).toContain('5 s ago: it should start at OAR');
  });

  it('writes durations the way people say them', () => {
    expect([45, 750, 7380, 200000].map(humanDuration)).toEqual(['45 s', '12 min 30 s', '2 h 3 min', '2 days 7 h']);
  });
});
