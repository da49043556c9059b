import type { Job } from '@oar-live/oar-client';
import { formatWait, queueSummary, runningLegend, tickerLine } from './wall-model';
import { jobColor } from './node-style';
import { bareNode } from '../../../../test/support/live-fixtures';

const job = (id: number, patch: Partial<Job> = {}): Job => ({
  id,
  name: `j${id}`,
  user: 'alice',
  queue: 'default',
  state: 'Running',
  command: 'sleep 1',
  submittedAt: '2026-11-25T12:00:00Z',
  walltime: 60,
  nodes: ['n1'],
  resourceIds: [1],
  ...patch,
});

describe('wall model', () => {
  it('lists the running jobs and users holding the most cores, in the grid’s colours', () => {
    const jobs = [
      job(1, { resourceIds: [1, 2] }),
      job(2, { user: 'bob', resourceIds: [3, 4, 5, 6] }),
      job(3, { user: 'bob', resourceIds: [7] }),
      job(4, { state: 'Waiting', resourceIds: [] }),
      job(5, { user: 'carol', resourceIds: [8, 9] }),
    ];
    const legend = runningLegend(jobs, 2);
    expect(legend.jobs).toEqual([
      { id: 2, user: 'bob', name: 'j2', cores: 4, color: jobColor(2) },
      { id: 1, user: 'alice', name: 'j1', cores: 2, color: jobColor(1) },
    ]);
    expect(legend.moreJobs).toBe(2);
    expect(legend.users).toEqual([
      { user: 'bob', jobs: 2, cores: 5 },
      { user: 'alice', jobs: 1, cores: 2 },
    ]);
    expect(legend.moreUsers).toBe(1);
    expect(runningLegend(jobs, 2, 1).users).toEqual([{ user: 'bob', jobs: 2, cores: 5 }]);
  });

  it('counts the waiting jobs and finds the one waiting longest', () => {
    const now = Date.parse('2026-11-25T13:05:00Z');
    const jobs = [
      job(1),
      job(2, { state: 'Waiting', submittedAt: '2026-11-25T13:00:00Z' }),
      job(3, { state: 'Hold', user: 'bob', submittedAt: '2026-11-25T12:00:00Z' }),
    ];
    expect(queueSummary(jobs, now)).toEqual({ waiting: 2, oldest: { id: 3, user: 'bob', seconds: 3900 } });
    expect(queueSummary([job(1)], now)).toEqual({ waiting: 0, oldest: undefined });
  });

  it('says a wait the way people say it', () => {
    expect([45, 720, 3900, 200_000].map(formatWait)).toEqual(['45 s', '12 min', '1 h 05 min', '2 d 7 h']);
  });

  it('tells starts, ends and node states in plain words, and leaves out field changes', () => {
    const started = job(7, { user: 'bob', nodes: ['n1', 'n2'] });
    expect(tickerLine({ type: 'job.changed', job: started, changed: ['state'] })).toBe(
      'Job 7 (bob) started on 2 nodes',
    );
    expect(tickerLine({ type: 'job.changed', job: started, changed: ['message'] })).toBeUndefined();
    expect(tickerLine({ type: 'job.added', job: job(8, { state: 'Waiting' }) })).toBe('Job 8 (alice) submitted');
    expect(tickerLine({ type: 'job.removed', id: 7, job: { ...started, state: 'Error', exitCode: 2 } })).toBe(
      'Job 7 (bob) ended: Error, exit code 2',
    );
    expect(tickerLine({ type: 'node.changed', node: bareNode('n3', 'Absent'), changed: ['state'] })).toBe(
      'n3 is now Absent',
    );
    expect(tickerLine({ type: 'source.status', status: 'down', error: 'OAR cannot be reached.' })).toBe(
      'OAR cannot be reached.',
    );
  });
});
