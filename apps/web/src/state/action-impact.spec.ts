import type { Job, Node } from '@oar-live/oar-client';
import { jobActionImpact, nodeActionImpact } from './action-impact';

const job = (id: number, user: string, state = 'Running'): Job =>
  ({
    id,
    user,
    state,
    command: `sleep ${id}`,
    name: null,
    queue: 'default',
    submittedAt: '',
    nodes: [],
    resourceIds: [],
  }) as Job;
const node = (name: string, jobIds: number[]): Node =>
  ({ name, state: 'Alive', jobIds, resources: [], busyCores: jobIds.length, totalCores: 2, properties: {} }) as Node;

describe('action impact (what a confirmation says)', () => {
  it('counts the jobs of each user and lists the ones left alone with their reason', () => {
    const jobs = [job(1, 'alice'), job(2, 'bob'), job(3, 'alice'), job(4, 'alice', 'Error')];
    expect(jobActionImpact('cancel', [1, 2, 3], [{ id: 4, reason: 'Job 4 is Error; …' }], jobs)).toEqual({
      question: 'Cancel 3 jobs (2 of alice, 1 of bob)?',
      items: [
        'Job 1 of alice (Running): sleep 1',
        'Job 2 of bob (Running): sleep 2',
        'Job 3 of alice (Running): sleep 3',
        'Left alone: Job 4 is Error; …',
      ],
      confirmLabel: 'Cancel jobs',
    });
  });

  it('names the nodes that still run jobs, and every job a "retire and kill" kills', () => {
    const nodes = [node('node1', []), node('node2', [5, 6])];
    const jobs = [job(5, 'alice'), job(6, 'bob')];
    expect(nodeActionImpact('alive', false, ['node1', 'node2'], [], nodes, jobs)).toEqual({
      question: 'Set Alive: node1, node2?',
      items: ['node2 still runs 2 jobs (5, 6)'],
      confirmLabel: 'Set Alive',
    });
    expect(nodeActionImpact('delete', true, ['node2'], [], nodes, jobs)).toEqual({
      question: 'Retire node2 and kill the 2 jobs running there?',
      items: ['Job 5 of alice (Running): sleep 5 — will be killed', 'Job 6 of bob (Running): sleep 6 — will be killed'],
      confirmLabel: 'Retire and kill 2 jobs',
    });
  });
});
