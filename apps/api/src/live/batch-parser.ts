import type { Batch } from '@oar-live/shared';
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';

type Encoded = ReturnType<Encoder['encode']>;

/**
 * Socket.IO's own encoder, except that a `changes` packet carrying the batch it encoded last is not
 * encoded again. The fan-out broadcasts each batch once per room, so it can give the event loop a
 * turn between rooms, and Socket.IO encodes every broadcast anew: sixteen JSON encodings of the same
 * 130 KB batch become one. Batches are never changed once appended, so the same object (and seq)
 * means the same text.
 */
class BatchReusingEncoder extends Encoder {
  private last: { batch: Batch; seq: number; nsp: string; encoded: Encoded } | null = null;

  override encode(packet: Packet): Encoded {
    const [event, batch] = Array.isArray(packet.data) ? (packet.data as [unknown, Batch?]) : [];
    if (packet.type !== PacketType.EVENT || packet.id !== undefined || event !== 'changes' || !batch) {
      return super.encode(packet);
    }
    const last = this.last;
    if (last?.batch === batch && last.seq === batch.seq && last.nsp === packet.nsp) return last.encoded;
    const encoded = super.encode(packet);
    this.last = { batch, seq: batch.seq, nsp: packet.nsp, encoded };
    return encoded;
  }
}

/** The Socket.IO `parser` option: the wire format is unchanged, clients use the default parser. */
export const batchReusingParser = { Encoder: BatchReusingEncoder, Decoder };
