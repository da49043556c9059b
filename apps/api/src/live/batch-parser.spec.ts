import type { Batch } from '@oar-live/shared';
import { Encoder, PacketType, type Packet } from 'socket.io-parser';
import { batchReusingParser } from './batch-parser';

const batch = (seq: number): Batch => ({
  epoch: 'e1',
  seq,
  at: '2026-11-30T12:00:00.000Z',
  events: [{ type: 'source.status', status: 'up', lastOkAt: '2026-11-30T12:00:00.000Z' }],
});
const event = (name: string, payload: object, nsp = '/live'): Packet => ({
  type: PacketType.EVENT,
  nsp,
  data: [name, payload],
});

describe('batchReusingParser', () => {
  const plain = new Encoder();

  it('writes exactly what Socket.IO’s own encoder writes', () => {
    const encoder = new batchReusingParser.Encoder();
    for (const packet of [event('changes', batch(1)), event('snapshot', { seq: 1 }), event('changes', batch(2), '/')]) {
      expect(encoder.encode(packet)).toEqual(plain.encode(packet));
    }
  });

  it('encodes a batch broadcast to several rooms once', () => {
    const encoder = new batchReusingParser.Encoder();
    const shared = batch(3);
    const first = encoder.encode(event('changes', shared));
    expect(encoder.encode(event('changes', shared))).toBe(first);
    expect(encoder.encode(event('changes', shared, '/other'))).not.toBe(first);
    expect(encoder.encode(event('changes', batch(4)))).toEqual(plain.encode(event('changes', batch(4))));
  });

  it('encodes anything else afresh, even the same object changed in place', () => {
    const encoder = new batchReusingParser.Encoder();
    const snapshot = { seq: 1, nodes: [] as string[] };
    encoder.encode(event('snapshot', snapshot));
    snapshot.nodes.push('node1');
    expect(encoder.encode(event('snapshot', snapshot))).toEqual(plain.encode(event('snapshot', snapshot)));
  });
});
