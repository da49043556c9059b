import type { Job, Node } from '@oar-live/oar-client';
import { utilisationColumns, utilisationOf } from './utilisation';

const core = (id: number, state: string, jobIds: number[] = [], plannedJobIds?: number[]) => ({
  id,
  node: 'n1',
  state,
  jobIds,
  ...(plannedJobIds ? { plannedJobIds } : {}),
});
const node: Node = {
  name: 'n1',
  state: 'Alive',
  resources: [core(1, 'Alive', [7]), core(2, 'Alive'), core(3, 'Alive', [], [9]), core(4, 'Absent'), core(5, 'Dead')],
  jobIds: [7],
  busyCores: 1,
  totalCores: 5,
};
const job = (id: number, state: Job['state']) => ({ id, state }) as Job;

describe('utilisation samples', () => {
  it('counts busy, idle (planned or not) and unavailable cores, running and waiting jobs, at the start of the minute', () => {
    const jobs = [job(7, 'Running'), job(8, 'Launching'), job(9, 'Waiting'), job(10, 'Hold'), job(11, 'Suspended')];
    expect(utilisationOf({ nodes: [node], jobs }, Date.UTC(2026, 0, 1, 12, 30, 59, 999))).toEqual({
      at: Date.UTC(2026, 0, 1, 12, 30),
      coresBusy: 1,
      coresFree: 2,
      coresUnavailable: 2,
      jobsRunning: 2,
      jobsWaiting: 2,
    });
  });

  it('turns samples into one column per series, times in epoch seconds', () => {
    const a = utilisationOf({ nodes: [node], jobs: [] }, 60_000);
    const b = { ...a, at: 120_000, coresBusy: 3 };
    expect(utilisationColumns([a, b])).toEqual({
      periodSeconds: 60,
      at: [60, 120],
      coresBusy: [1, 3],
      coresFree: [2, 2],
      coresUnavailable: [2, 2],
      jobsRunning: [0, 0],
      jobsWaiting: [0, 0],
    });
  });
});
