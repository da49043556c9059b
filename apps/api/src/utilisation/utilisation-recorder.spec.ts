import type { Snapshot, UtilisationSample } from '@oar-live/shared';
import type { ClusterStateService } from '../cluster/cluster-state.service';
import { UtilisationRecorder } from './utilisation-recorder';
import type { UtilisationStore } from './utilisation-store';

describe('UtilisationRecorder', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2026, 10, 25, 12, 0, 30) }));
  afterEach(() => jest.useRealTimers());

  it('records once a minute, a second after the minute turns, until shut down', async () => {
    const recorded: UtilisationSample[] = [];
    const store = { record: (sample: UtilisationSample) => Promise.resolve(recorded.push(sample) > 0) };
    const snapshot = { epoch: 'e1', seq: 1, nodes: [], jobs: [] } as unknown as Snapshot;
    const state = { current: () => snapshot } as unknown as ClusterStateService;
    const recorder = new UtilisationRecorder(state, store as unknown as UtilisationStore);
    recorder.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(30_000); // 12:01:00: not yet
    expect(recorded).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1_000); // 12:01:01
    expect(recorded.map((s) => new Date(s.at).toISOString())).toEqual(['2026-11-25T12:01:00.000Z']);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(recorded.map((s) => new Date(s.at).toISOString().slice(11, 16))).toEqual(['12:01', '12:02', '12:03']);
    recorder.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(600_000);
    expect(recorded).toHaveLength(3);
  });
});
