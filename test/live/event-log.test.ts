import fc from 'fast-check';
import type { Job } from '@oar-live/oar-client';
import {
  applyBatch,
  canonicalSnapshot,
  EVENT_FORMAT,
  type Batch,
  type LiveEvent,
  type Snapshot,
} from '@oar-live/shared';
import { firstValueFrom, take, toArray } from 'rxjs';
import { diffCluster, type ClusterState } from '../../apps/api/src/cluster/differ';
import { EMPTY_SOURCE, LeaseLostError } from '../../apps/api/src/cluster/event-log.service';
import { Logger } from '@nestjs/common';
import { removeRedisDir, startRedis } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { openLog, testJob, uniquePrefix } from './support';

const job = (id: number, state: string): Job => testJob(id, { state });
const added = (id: number, state = 'Waiting'): LiveEvent => ({ type: 'job.added', job: job(id, state) });
/** The empty snapshot a stream starts from, in the epoch its first batch named. */
const empty = (epoch: string): Snapshot => ({
  format: EVENT_FORMAT,
  epoch,
  seq: 0,
  at: new Date(0).toISOString(),
  source: EMPTY_SOURCE,
  nodes: [],
  jobs: [],
});

describe('EventLogService (real Redis)', () => {
  it('numbers batches 1, 2, 3 …, keeps them for replay and the snapshot in step', async () => {
    const p = await openLog(uniquePrefix('event-log'));
    try {
      expect(await p.log.append([])).toBeNull();
      const b1 = await p.log.append([added(1), added(2)], '2026-11-25T16:00:01.000Z');
      const b2 = await p.log.append([{ type: 'job.changed', job: job(1, 'Running'), changed: ['state'] }]);
      const b3 = await p.log.append([{ type: 'job.removed', id: 2, job: job(2, 'Terminated') }]);
      expect([b1, b2, b3].map((b) => b!.seq)).toEqual([1, 2, 3]);
      expect(await p.log.readSince(1, b1!.epoch)).toEqual([b2, b3]);
      expect(await p.log.readSince(3, b1!.epoch)).toEqual([]);
      expect(await p.log.readSince(4, b1!.epoch)).toBeNull();
      expect(await p.log.readSince(1, 'another')).toBeNull();
      const snapshot = await p.log.loadSnapshot();
      expect(snapshot).toEqual([b1!, b2!, b3!].reduce(applyBatch, empty(b1!.epoch)));
      expect(snapshot.jobs).toEqual([job(1, 'Running')]);
      expect(p.state.current()).toEqual(snapshot);
    } finally {
      await p.close();
    }
  });

  it('keeps seq and the replay window across a restart on the same Redis', async () => {
    const prefix = uniquePrefix('event-log');
    const first = await openLog(prefix);
    const before = [await first.log.append([added(1)]), await first.log.append([added(2)])];
    await first.close();
    const second = await openLog(prefix);
    try {
      expect(second.state.current().jobs.map((j) => j.id)).toEqual([1, 2]);
      const after = await second.log.append([added(3)]);
      expect(after!.seq).toBe(3);
      expect(await second.log.readSince(0, after!.epoch)).toEqual([...before, after]);
    } finally {
      await second.close();
    }
  });

  it('drops batches older than the retention window but never the snapshot; old since → null', async () => {
    const p = await openLog(uniquePrefix('event-log'));
    try {
      const { epoch } = (await p.log.append([added(1)]))!;
      await p.log.append([added(2)]);
      p.log.retentionMs = -1;
      await p.log.append([added(3)]);
      expect(await p.log.readSince(0, epoch)).toBeNull();
      expect(await p.log.readSince(2, epoch)).toHaveLength(1);
      expect((await p.log.loadSnapshot()).jobs.map((j) => j.id)).toEqual([1, 2, 3]);
    } finally {
      await p.close();
    }
  });

  it('refuses a fenced append when another process holds the lease, without using a seq', async () => {
    const p = await openLog(uniquePrefix('event-log'));
    try {
      await p.redis.commands.set(p.log.keys.lease, 'someone-else');
      await expect(p.log.append([added(1)], undefined, { leaseToken: 'me' })).rejects.toBeInstanceOf(LeaseLostError);
      expect((await p.log.append([added(1)], undefined, { leaseToken: 'someone-else' }))!.seq).toBe(1);
    } finally {
      await p.close();
    }
  });

  it('relays every batch, in order, to another process on the same Redis', async () => {
    const prefix = uniquePrefix('event-log');
    const writer = await openLog(prefix);
    const reader = await openLog(prefix);
    try {
      const relayed = firstValueFrom(reader.state.batches$.pipe(take(3), toArray()));
      const written: Batch[] = [];
      for (const id of [1, 2, 3]) written.push((await writer.log.append([added(id)]))!);
      expect(await relayed).toEqual(written);
      expect(reader.state.current()).toEqual(writer.state.current());
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('reloads the stored snapshot when a batch does not apply to this process’s copy, instead of ending the process', async () => {
    const prefix = uniquePrefix('event-log');
    const { log, state, close } = await openLog(prefix);
    try {
      await log.append([added(1)]);
      await waitFor(() => state.current().seq === 1, { describe: 'batch 1 held' });
      // This copy lost job 1 (as a replica's did after Redis lost its data, chaos campaign); the
      // stored history still has it, and the next batch is a delta on it.
      state.replace({ ...state.current(), jobs: [] });
      const running = job(1, 'Running');
      const batch = await log.append(
        [{ type: 'job.changed', id: 1, set: { state: 'Running' } }],
        undefined,
        {},
        {
          nodes: [],
          jobs: [running],
        },
      );
      // Before: applyBatch's RangeError escaped ingest through appended$ (rxjs rethrows it
      // asynchronously): an uncaught exception, the process ended.
      const reloaded = await waitFor(() => state.current().seq === batch!.seq && state.current(), {
        describe: 'the stored snapshot reloaded',
      });
      expect(reloaded.jobs).toEqual([running]);
    } finally {
      await close();
    }
  });

  it('goes on when the reload after a gap fails because Redis is away (the rejection is handled, not left to end the process)', async () => {
    const own = await startRedis();
    const { log, state, close } = await openLog(uniquePrefix('event-log'), own.url);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const first = (await log.append([added(1)]))!;
      await waitFor(() => state.current().seq === 1, { describe: 'batch 1 held' });
      await own.stop();
      // A batch after a gap (one the relay would bring): the snapshot is reloaded, from a Redis that is away.
      log.appended$.next({ ...first, seq: 3 });
      // Before: the reload's rejection (MaxRetriesPerRequestError) was unhandled: the process ended.
      await waitFor(
        () => unhandled.length > 0 || warn.mock.calls.some(([message]) => String(message).includes('not reloaded')),
        { describe: 'the failed reload reported' },
      );
      expect(unhandled).toEqual([]);
      expect(state.current().seq).toBe(1);
    } finally {
      warn.mockRestore();
      process.off('unhandledRejection', onUnhandled);
      await close();
      removeRedisDir(own.dir);
    }
  });

  it('holds the invariant for random histories: replaying the log from 0 gives the stored snapshot', async () => {
    const stateArb: fc.Arbitrary<ClusterState> = fc.record({
      nodes: fc.constant([]),
      jobs: fc
        .uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 6 })
        .chain((ids) => fc.tuple(...ids.map((id) => fc.constantFrom('Waiting', 'Running').map((s) => job(id, s))))),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(stateArb, { minLength: 1, maxLength: 6 }), async (history) => {
        const p = await openLog(uniquePrefix('event-log-prop'));
        try {
          let previous: ClusterState = { nodes: [], jobs: [] };
          for (const next of history) {
            await p.log.append(diffCluster(previous, next), undefined, undefined, next);
            previous = next;
          }
          const stored = await p.log.loadSnapshot();
          const replayed = ((await p.log.readSince(0, stored.epoch)) ?? []).reduce(applyBatch, empty(stored.epoch));
          expect(replayed).toEqual(stored);
          expect(stored.jobs).toEqual(canonicalSnapshot({ ...empty(stored.epoch), ...previous }).jobs);
          expect(p.state.current()).toEqual(stored);
        } finally {
          await p.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
