import type { IncomingMessage } from 'node:http';

/** engine.io's `allowRequest` callback: (error message, whether to go on). */
type Verdict = (err: string | null | undefined, success: boolean) => void;

/**
 * Lets new Socket.IO connections in a time slice at a time: their WebSocket upgrade (engine.io's
 * `allowRequest`, before the upgrade and the Engine.IO handshake) and their Socket.IO connect (the
 * namespace middleware's `next`). 500 wall displays reconnecting at once after a network blip
 * arrive within a few event-loop turns, and upgrading them all in one turn (~1 ms each: the HTTP
 * upgrade answer, the compression negotiation, the engine.io and Socket.IO sockets) held the event
 * loop for over a second; their connects, arriving together too, held it ~100 ms. Socket.IO connects
 * a socket on the tick after `next` (writing its CONNECT packet, running handleConnection), so each
 * admission's clock check waits for the next tick, after that work. Connections are admitted in the
 * order they came; each turn admits at least one. Hand-written: engine.io and Socket.IO offer the
 * hooks, not the pacing.
 */
export class AdmissionPacing {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  constructor(
    private readonly sliceMs: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** engine.io's `allowRequest` option. */
  readonly allowRequest = (_req: IncomingMessage, verdict: Verdict): void => this.admit(() => verdict(null, true));

  /** Runs `enter` (what lets one connection in) in its turn. */
  admit(enter: () => void): void {
    this.waiting.push(enter);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.admitSlice());
  }

  private admitSlice(): void {
    this.scheduled = false;
    const started = this.now();
    const admitNext = (): void => {
      this.waiting.shift()!();
      if (this.waiting.length === 0) return;
      process.nextTick(() => (this.now() - started < this.sliceMs() ? admitNext() : this.schedule()));
    };
    if (this.waiting.length > 0) admitNext();
  }
}
