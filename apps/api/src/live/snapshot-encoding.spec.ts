import type { Node } from '@oar-live/oar-client';
import type { Snapshot } from '@oar-live/shared';
import { Encoder, PacketType } from 'socket.io-parser';
import { constants, inflateRawSync } from 'node:zlib';
import { encodeSnapshot } from './snapshot-encoding';

const node = (i: number): Node => ({
  name: `node${i}`,
  state: 'Alive',
  resources: [{ id: i, state: 'Alive', jobIds: [], cpuset: 0 }],
  jobIds: [],
  busyCores: 0,
  totalCores: 1,
});
const snapshot = (nodes: number): Snapshot => ({
  format: 2,
  epoch: 'e1',
  seq: 9,
  at: '2026-12-04T12:00:00.000Z',
  source: { status: 'up', error: undefined, lastOkAt: '2026-12-04T12:00:00.000Z' },
  nodes: Array.from({ length: nodes }, (_, i) => node(i + 1)),
  jobs: [],
});
const socketIo = (value: Snapshot, nsp: string) =>
  (new Encoder().encode({ type: PacketType.EVENT, nsp, data: ['snapshot', value] }) as string[])[0];

describe('encodeSnapshot', () => {
  it('writes exactly what Socket.IO’s encoder writes, and the WebSocket frame of that message', async () => {
    for (const [size, nsp] of [
      [0, '/live'],
      [1, '/live'],
      [250, '/'],
    ] as const) {
      const encoded = await encodeSnapshot(snapshot(size), nsp, 10);
      expect(encoded.text).toBe(socketIo(snapshot(size), nsp));
      const frame = Buffer.concat(encoded.frame);
      const payload = frame.subarray(frame.length - Buffer.byteLength(encoded.text) - 1);
      expect(payload.toString()).toBe(`4${encoded.text}`);
      expect(frame[0]).toBe(0x81); // one final text frame
      // The compressed frame (RSV1 set) inflates, as a receiver does (RFC 7692), to the same message.
      const [header, body] = encoded.deflatedFrame;
      expect(header[0]).toBe(0xc1);
      expect(
        inflateRawSync(Buffer.concat([body, Buffer.from([0, 0, 0xff, 0xff])]), {
          finishFlush: constants.Z_SYNC_FLUSH,
        }).toString(),
      ).toBe(`4${encoded.text}`);
    }
  });

  it('gives the event loop turns while encoding a large snapshot', async () => {
    let turns = 0;
    const counting = setInterval(() => turns++, 0);
    try {
      await encodeSnapshot(snapshot(2000), '/live', 0);
    } finally {
      clearInterval(counting);
    }
    expect(turns).toBeGreaterThan(1);
  });
});
