import type { Snapshot } from '@oar-live/shared';
import type { Socket } from 'socket.io';
import { SnapshotDelivery } from './snapshot-delivery';

interface FakeSocket {
  disconnected: boolean;
  frames: Buffer[][];
  conn: {
    write(text: string, options: { wsPreEncodedFrame: Buffer[] }): void;
    transport: { name: string; socket: { extensions: string } };
  };
}
const fakeSocket = (extensions = ''): FakeSocket => {
  const socket: FakeSocket = {
    disconnected: false,
    frames: [],
    conn: {
      write: (_text, options) => socket.frames.push(options.wsPreEncodedFrame),
      transport: { name: 'websocket', socket: { extensions } },
    },
  };
  return socket;
};
/** Bit 6 of a WebSocket frame's first byte: the message is compressed. */
const compressed = (frame: Buffer[]) => (frame[0][0] & 0x40) !== 0;
const snapshotAt = (seq: number): Snapshot => ({
  epoch: 'e1',
  seq,
  at: 'x',
  source: { status: 'up' },
  nodes: [],
  jobs: [],
});

/** A delivery whose `delivered` calls are recorded; `served(n)` resolves once n sockets were served. */
function delivery(current: () => Snapshot) {
  const served: [FakeSocket, number][] = [];
  let wake = () => {};
  const instance = new SnapshotDelivery(
    current,
    '/live',
    (socket, seq) => {
      served.push([socket as unknown as FakeSocket, seq]);
      wake();
    },
    () => 0,
  );
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      wake = () => served.length >= count && resolve();
      wake();
    });
  return {
    send: (s: FakeSocket) => instance.send(s as unknown as Socket),
    cancel: instance.cancel.bind(instance),
    served,
    until,
  };
}

describe('SnapshotDelivery', () => {
  it('writes one encoding of the snapshot to every socket asking in a burst, then says which seq each got', async () => {
    const snapshot = snapshotAt(4);
    const d = delivery(() => snapshot);
    const sockets = Array.from({ length: 4 }, () => fakeSocket());
    const deflating = [fakeSocket('permessage-deflate'), fakeSocket('permessage-deflate')];
    [...sockets, ...deflating].forEach(d.send);
    await d.until(6);
    const frame = sockets[0].frames[0];
    expect(sockets.every((s) => s.frames.length === 1 && s.frames[0] === frame)).toBe(true);
    expect(deflating.every((s) => s.frames.length === 1 && s.frames[0] === deflating[0].frames[0])).toBe(true);
    expect([compressed(frame), compressed(deflating[0].frames[0])]).toEqual([false, true]);
    expect(d.served.map(([, seq]) => seq)).toEqual([4, 4, 4, 4, 4, 4]);
  });

  it('encodes again only when the snapshot changed, and skips sockets gone or no longer waiting', async () => {
    let snapshot = snapshotAt(1);
    const d = delivery(() => snapshot);
    const first = fakeSocket();
    d.send(first);
    await d.until(1);
    snapshot = snapshotAt(2);
    const [gone, cancelled, second] = [fakeSocket(), fakeSocket(), fakeSocket()];
    gone.disconnected = true;
    [gone, cancelled, second].forEach(d.send);
    d.cancel(cancelled as unknown as Socket);
    await d.until(2);
    expect(d.served.map(([socket, seq]) => [socket, seq])).toEqual([
      [first, 1],
      [second, 2],
    ]);
    expect(second.frames[0]).not.toBe(first.frames[0]);
    expect([gone.frames, cancelled.frames]).toEqual([[], []]);
  });
});
