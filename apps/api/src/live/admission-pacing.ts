import type { IncomingMessage } from 'node:http';
import { ownTurn } from '../common/turn-pacer';

/** engine.io's `allowRequest` callback: (error message, whether to go on). */
type Verdict = (err: string | null | undefined, success: boolean) => void;

/** Resolves after the process.nextTick callbacks and microtasks queued before it. */
const afterQueuedTicks = () => new Promise<void>((resolve) => process.nextTick(resolve));

/**
 * Lets new Socket.IO connections in a time slice at a time: their WebSocket upgrade (engine.io's
 * `allowRequest`, before the upgrade and the Engine.IO handshake) and their Socket.IO connect (the
 * namespace middleware's `next`). 500 wall displays reconnecting at once after a network blip arrive
 * within a few event-loop turns, and upgrading them all in one turn (~1 ms each: the HTTP upgrade
 * answer, the compression negotiation, the engine.io and Socket.IO sockets) held the event loop for
 * over a second; their connects, arriving together too, held it for tens of ms.
 * Connects go before upgrades: a socket already upgraded is nearer to being served its snapshot (in
 * one queue, the connects waited behind every upgrade, and the snapshots all went out at the end).
 * Engine.IO finishes its handshake in a microtask after the verdict, Socket.IO connects on the tick
 * after `next`: the clock is read after those, so their work counts in the slice. Each turn admits at
 * least one. Hand-written: engine.io and Socket.IO offer the hooks, not the pacing.
 */
export class AdmissionPacing {
  private readonly connects: (() => void)[] = [];
  private readonly upgrades: (() => void)[] = [];
  private scheduled = false;

  constructor(
    private readonly sliceMs: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** engine.io's `allowRequest` option. */
  readonly allowRequest = (_req: IncomingMessage, verdict: Verdict): void =>
    this.enqueue(this.upgrades, () => verdict(null, true));

  /** Runs `connect` (a namespace middleware's `next`) in its slice. */
  admitConnect(connect: () => void): void {
    this.enqueue(this.connects, connect);
  }

  private enqueue(queue: (() => void)[], enter: () => void): void {
    queue.push(enter);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    void ownTurn().then(() => this.admitSlice());
  }

  private get pending(): number {
    return this.connects.length + this.upgrades.length;
  }

  private async admitSlice(): Promise<void> {
    const started = this.now();
    do {
      (this.connects.shift() ?? this.upgrades.shift())!();
      await afterQueuedTicks();
    } while (this.pending > 0 && this.now() - started < this.sliceMs());
    this.scheduled = false;
    if (this.pending > 0) this.schedule();
  }
}
