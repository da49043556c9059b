import type { Snapshot } from '@oar-live/shared';
import { promisify } from 'node:util';
import { constants, deflateRaw } from 'node:zlib';
import { Encoder, PacketType } from 'socket.io-parser';
import WebSocket from 'ws';
import { turnPacer } from '../common/turn-pacer';

/**
 * A snapshot encoded once for every socket that needs it: the Socket.IO `snapshot` packet as text
 * (for HTTP long-polling) and as the finished WebSocket frame, which engine.io writes as it is
 * (`wsPreEncodedFrame`, what Socket.IO's own broadcast does), so serving one more subscriber costs a
 * socket write, not a 2.3 MB JSON encoding and UTF-8 conversion.
 */
export interface EncodedSnapshot {
  snapshot: Snapshot;
  text: string;
  frame: Buffer[];
  /**
   * The same message compressed once (permessage-deflate, self-contained: no back-reference to an
   * earlier message), for sockets that negotiated compression: ~13× fewer bytes, which is what
   * lets 500 subscribers get 2.3 MB each within seconds on a loaded machine.
   */
  deflatedFrame: Buffer[];
}

const deflate = promisify(deflateRaw);
/** RFC 7692: a message ends with a sync flush, whose last 4 bytes (00 00 ff ff) are left out. */
const SYNC_FLUSH_TAIL = 4;

/** ws builds the frame header; its types do not declare the static helper. */
const { Sender } = WebSocket as unknown as {
  Sender: {
    frame(
      data: Buffer,
      options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
    ): Buffer[];
  };
};
/** Engine.IO's "message" packet type, which prefixes every Socket.IO packet on the wire. */
const ENGINE_MESSAGE = '4';
const PLACEHOLDER = '\u0000snapshot\u0000';

/**
 * Encodes `snapshot` as Socket.IO's encoder would (`["snapshot", {...}]` in namespace `nsp`), a slice
 * of its arrays at a time: JSON.stringify of 25,000 resources in one go holds the event loop for
 * 20–100 ms on 2 busy cores. Hand-written because JSON.stringify cannot be paused; the parts
 * around the snapshot come from Socket.IO's own encoder, so the wire format stays its own.
 */
export async function encodeSnapshot(snapshot: Snapshot, nsp: string, sliceMs: number): Promise<EncodedSnapshot> {
  const [wrapped] = new Encoder().encode({ type: PacketType.EVENT, nsp, data: ['snapshot', PLACEHOLDER] }) as string[];
  const [before, after] = wrapped.split(JSON.stringify(PLACEHOLDER));
  const pieces: string[] = [ENGINE_MESSAGE, before];
  const pace = turnPacer(sliceMs);
  let separator = '{';
  for (const [key, value] of Object.entries(snapshot)) {
    if (value === undefined) continue;
    pieces.push(`${separator}${JSON.stringify(key)}:`);
    separator = ',';
    if (!Array.isArray(value)) {
      pieces.push(JSON.stringify(value));
      continue;
    }
    pieces.push('[');
    for (let i = 0; i < value.length; i += ITEMS_PER_PIECE) {
      pieces.push(
        (i > 0 ? ',' : '') +
          value
            .slice(i, i + ITEMS_PER_PIECE)
            .map((item) => JSON.stringify(item))
            .join(','),
      );
      await pace();
    }
    pieces.push(']');
  }
  pieces.push(separator === '{' ? '{}' : '}', after);
  const text = pieces.slice(1).join('');
  const buffers: Buffer[] = [];
  for (const piece of pieces) {
    buffers.push(Buffer.from(piece));
    await pace();
  }
  const payload = Buffer.concat(buffers);
  const frame = Sender.frame(payload, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false });
  // zlib's thread pool compresses: the event loop goes on meanwhile.
  const deflated = await deflate(payload, { finishFlush: constants.Z_SYNC_FLUSH });
  const deflatedFrame = Sender.frame(deflated.subarray(0, deflated.length - SYNC_FLUSH_TAIL), {
    fin: true,
    rsv1: true,
    opcode: 1,
    mask: false,
    readOnly: false,
  });
  return { snapshot, text, frame, deflatedFrame };
}

/** Array items serialised between two looks at the clock (~1 ms of work for nodes of 5 cores). */
const ITEMS_PER_PIECE = 100;
