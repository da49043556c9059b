import { applyBatch, type Snapshot } from '@oar-live/shared';
import { LiveStore } from '../../apps/web/src/state/live-store';
import { batch, FIXTURE_EPOCH, makeJob, makeNode, makeSnapshot } from '../support/live-fixtures';
import { startScriptedLiveServer } from './support/scripted-live-server';
import { waitFor } from '../support/wait-for';

/** The web app's live store under node, against a real Socket.IO server speaking the /live contract. */
describe('LiveStore', () => {
  let server: Awaited<ReturnType<typeof startScriptedLiveServer>>;
  let store: LiveStore;

  beforeEach(async () => {
    server = await startScriptedLiveServer();
    store = new LiveStore({ url: server.url, token: () => 'tok-alice' });
  });

  afterEach(async () => {
    store.stop();
    await server.stop();
  });

  it('takes the snapshot, then applies batches in order; feed, finished jobs and operations follow', async () => {
    store.start();
    const first = await server.nextConnection();
    expect(first.auth).toEqual({ token: 'tok-alice' });
    const snapshot = makeSnapshot(3, 2, 5);
    first.socket.emit('snapshot', snapshot);
    await waitFor(() => store.snapshot?.seq === 5, { describe: 'the snapshot', intervalMs: 20 });
    expect(store.connection).toBe('connected');

    const job = makeJob(1, { state: 'Running', nodes: ['node1'] });
    const b6 = batch(6, [
      { type: 'job.added', job },
      { type: 'node.changed', node: makeNode('node1', { busy: 1, jobId: 1 }), changed: ['jobIds'] },
    ]);
    const finished = { ...job, state: 'Terminated', exitCode: 0 };
    const operation = {
      id: 'op1',
      kind: 'job.submit',
      state: 'succeeded' as const,
      user: 'alice',
      input: {},
      attempts: 1,
      createdAt: b6.at,
      updatedAt: b6.at,
      targets: ['1'],
    };
    const b7 = batch(7, [
      { type: 'job.removed', id: 1, job: finished },
      { type: 'operation.updated', operation },
    ]);
    first.socket.emit('changes', b6);
    first.socket.emit('changes', b7);
    first.socket.emit('changes', b6); // a duplicate must be ignored
    await waitFor(() => store.snapshot?.seq === 7, { describe: 'batch 7', intervalMs: 20 });

    expect(store.snapshot).toEqual(applyBatch(applyBatch(snapshot, b6), b7));
    expect(store.feed.map((e) => [e.seq, e.event.type])).toEqual([
      [6, 'job.added'],
      [6, 'node.changed'],
      [7, 'job.removed'],
      [7, 'operation.updated'],
    ]);
    expect(store.finishedJobs).toEqual([finished]);
    expect(store.operations.get('op1')).toEqual(operation);
  });

  it('reconnects after the connection drops, asking for what follows the seq it holds', async () => {
    store.start();
    const first = await server.nextConnection();
    first.socket.emit('snapshot', makeSnapshot(2, 2, 10));
    await waitFor(() => store.snapshot?.seq === 10, { describe: 'the snapshot', intervalMs: 20 });

    first.socket.conn.close(); // transport lost, as when the API restarts
    await waitFor(() => store.connection === 'disconnected', { describe: 'the disconnect', intervalMs: 20 });
    expect(store.stale).toBe(true);
    const second = await server.nextConnection();
    expect(second.auth).toEqual({ token: 'tok-alice', since: 10, epoch: FIXTURE_EPOCH });
    await waitFor(() => store.connection === 'connected', { describe: 'the reconnect', intervalMs: 20 });
    expect(store.stale).toBe(false);

    second.socket.emit('changes', batch(11, [{ type: 'node.changed', node: makeNode('node1', { state: 'Absent' }) }]));
    await waitFor(() => store.snapshot?.seq === 11, { describe: 'batch 11', intervalMs: 20 });
    expect(store.snapshot!.nodes.find((n) => n.name === 'node1')!.state).toBe('Absent');

    second.socket.disconnect(true); // the server hangs up: the client must come back by itself
    const third = await server.nextConnection();
    expect(third.auth.since).toBe(11);
  });

  it('resynchronises on a gap: reconnects with since and applies the missed batches', async () => {
    store.start();
    const first = await server.nextConnection();
    const snapshot = makeSnapshot(2, 2, 20);
    first.socket.emit('snapshot', snapshot);
    await waitFor(() => store.snapshot?.seq === 20, { describe: 'the snapshot', intervalMs: 20 });

    const b21 = batch(21, [{ type: 'node.changed', node: makeNode('node2', { state: 'Dead' }) }]);
    const b22 = batch(22, [{ type: 'job.added', job: makeJob(5) }]);
    first.socket.emit('changes', b22); // 21 was lost
    const second = await server.nextConnection();
    expect(second.auth.since).toBe(20);
    expect(store.snapshot!.seq).toBe(20); // the out-of-order batch was not applied
    second.socket.emit('changes', b21);
    second.socket.emit('changes', b22);
    await waitFor(() => store.snapshot?.seq === 22, { describe: 'batch 22', intervalMs: 20 });
    expect(store.snapshot).toEqual(applyBatch(applyBatch(snapshot, b21), b22));
    expect(store.resyncCount).toBe(1);
  });

  it('never applies a batch of another history: resynchronises with its epoch and takes the new snapshot', async () => {
    store.start();
    const first = await server.nextConnection();
    first.socket.emit('snapshot', makeSnapshot(2, 2, 30));
    await waitFor(() => store.snapshot?.seq === 30, { describe: 'the snapshot', intervalMs: 20 });
    first.socket.emit('changes', { ...batch(31, [{ type: 'job.added', job: makeJob(7) }]), epoch: 'n3w' });
    const second = await server.nextConnection();
    expect(second.auth).toMatchObject({ since: 30, epoch: FIXTURE_EPOCH });
    expect(store.snapshot!.jobs.map((job) => job.id)).not.toContain(7);
    const fresh: Snapshot = { ...makeSnapshot(2, 2, 31), epoch: 'n3w' };
    second.socket.emit('snapshot', fresh);
    await waitFor(() => store.snapshot?.epoch === 'n3w', { describe: 'the new history', intervalMs: 20 });
    expect(store.snapshot).toEqual(fresh);
  });

  it('replaces its state with a fresh snapshot when the server cannot replay (since too old)', async () => {
    store.start();
    const first = await server.nextConnection();
    first.socket.emit('snapshot', makeSnapshot(2, 2, 3));
    await waitFor(() => store.snapshot?.seq === 3, { describe: 'the first snapshot', intervalMs: 20 });
    first.socket.emit('changes', batch(9, []));
    const second = await server.nextConnection();
    const fresh: Snapshot = makeSnapshot(4, 2, 9);
    second.socket.emit('snapshot', fresh);
    await waitFor(() => store.snapshot?.seq === 9, { describe: 'the fresh snapshot', intervalMs: 20 });
    expect(store.snapshot).toEqual(fresh);
  });

  it('reports a refused handshake and tries again by itself', async () => {
    const refusals: string[] = [];
    store.stop();
    store = new LiveStore({ url: server.url, token: () => 'expired', onRefused: (r) => refusals.push(r), retryMs: 50 });
    server.refuseNextHandshake('the token is invalid or expired');
    store.start();
    await waitFor(() => refusals.length === 1, { describe: 'the refusal', intervalMs: 20 });
    expect(store.connection).toBe('disconnected');
    expect(store.connectionError).toBe('the token is invalid or expired');
    const connection = await server.nextConnection();
    expect(connection.auth.token).toBe('expired');
    await waitFor(() => store.connection === 'connected', { describe: 'the retry to connect', intervalMs: 20 });
  });

  it('says how old the data is while OAR is down', async () => {
    let now = Date.parse('2026-11-25T12:01:00Z');
    store.stop();
    store = new LiveStore({ url: server.url, now: () => now });
    store.start();
    const first = await server.nextConnection();
    first.socket.emit('snapshot', makeSnapshot(1, 2, 1));
    await waitFor(() => store.connection === 'connected' && store.snapshot, {
      describe: 'the snapshot',
      intervalMs: 20,
    });
    expect(store.staleSeconds()).toBeUndefined();
    first.socket.emit(
      'changes',
      batch(2, [
        { type: 'source.status', status: 'down', error: 'connect ECONNREFUSED', lastOkAt: '2026-11-25T12:00:30Z' },
      ]),
    );
    await waitFor(() => store.snapshot?.seq === 2, { describe: 'the source.status batch', intervalMs: 20 });
    expect(store.stale).toBe(true);
    expect(store.staleSeconds()).toBe(30);
    now += 5000;
    expect(store.staleSeconds()).toBe(35);
    first.socket.emit('changes', batch(3, [{ type: 'source.status', status: 'up', lastOkAt: '2026-11-25T12:01:05Z' }]));
    await waitFor(() => store.snapshot?.seq === 3, { describe: 'the recovery', intervalMs: 20 });
    expect(store.stale).toBe(false);
  });
});
