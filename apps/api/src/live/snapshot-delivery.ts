import type { Snapshot } from '@oar-live/shared';
import type { Socket } from 'socket.io';
import { ownTurn } from '../common/turn-pacer';
import { encodeSnapshot, type EncodedSnapshot } from './snapshot-encoding';

/** engine.io's write options: Socket.IO's broadcast passes the same frame option. */
type FrameWriter = {
  write(data: string, options: { wsPreEncodedFrame: Buffer[] }): void;
  transport: { name: string; socket?: { extensions?: string } };
};

/** Whether the socket's WebSocket negotiated permessage-deflate (ws's public `extensions`). */
function compresses(conn: FrameWriter): boolean {
  return (
    conn.transport.name === 'websocket' && (conn.transport.socket?.extensions ?? '').includes('permessage-deflate')
  );
}

/**
 * Sends the current snapshot to sockets that need a whole one (new, resynchronised or caught-up
 * subscribers), encoded once per snapshot and written a time slice of sockets at a time: 500 wall
 * displays reconnecting at once after a network blip must not hold the event loop for seconds
 * (each copy of a 25,000-resource snapshot is 2.3 MB).
 */
export class SnapshotDelivery {
  private readonly waiting = new Set<Socket>();
  private running = false;
  private encoded?: EncodedSnapshot;

  /**
   * `delivered(socket, seq)` runs right after the socket got the snapshot of `seq`: the caller
   * sends what followed it and lets the socket join its room.
   */
  constructor(
    private readonly current: () => Snapshot,
    private readonly nsp: string,
    private readonly delivered: (socket: Socket, seq: number) => void,
    /** How long one turn may write before yielding. */
    private readonly sliceMs: () => number,
  ) {}

  send(socket: Socket): void {
    this.waiting.add(socket);
    if (!this.running) void this.run();
  }

  /** The socket no longer wants the whole snapshot (it subscribed to a filter meanwhile). */
  cancel(socket: Socket): void {
    this.waiting.delete(socket);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      // Sockets that ask in the same burst are served together, after one encoding.
      await ownTurn();
      while (this.waiting.size > 0) {
        const encoded = await this.encoding();
        let sliceStarted = performance.now();
        for (const socket of this.waiting) {
          this.waiting.delete(socket);
          if (socket.disconnected) continue;
          const conn = socket.conn as unknown as FrameWriter;
          conn.write(encoded.text, { wsPreEncodedFrame: compresses(conn) ? encoded.deflatedFrame : encoded.frame });
          this.delivered(socket, encoded.snapshot.seq);
          if (performance.now() - sliceStarted < this.sliceMs()) continue;
          await ownTurn();
          sliceStarted = performance.now();
          // A newer snapshot came meanwhile: the rest get it rather than it plus the batches since.
          if (this.current() !== encoded.snapshot) break;
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** The encoding of the current snapshot, made (a slice at a time) only when it changed. */
  private async encoding(): Promise<EncodedSnapshot> {
    const snapshot = this.current();
    if (this.encoded?.snapshot !== snapshot) this.encoded = await encodeSnapshot(snapshot, this.nsp, this.sliceMs());
    return this.encoded;
  }
}
