import type { IncomingMessage } from 'node:http';
import { ownTurn } from '../common/turn-pacer';

/** engine.io's `allowRequest` callback: (error message, whether to go on). */
type Verdict = (err: string | null | undefined, success: boolean) => void;

/** Resolves after the process.nextTick callbacks and microtasks queued before it. */
const afterQueuedTicks = () => new Promise<void>((resolve) => process.nextTick(resolve));

/**
 * Lets new Socket.IO connections through (engine.io's `allowRequest`, which runs before the
 * WebSocket upgrade and the Engine.IO handshake) a time slice at a time: 500 wall displays
 * reconnecting at once after a network blip arrive within a few event-loop turns, and upgrading
 * them all in one turn (~1 ms each: the HTTP upgrade answer, the compression negotiation, the
 * engine.io and Socket.IO sockets) held the event loop for over a second. Engine.IO finishes its
 * handshake in a microtask after the verdict: the clock is read after it, so that work counts in the
 * slice. Connections are admitted in the order they came; each turn admits at least one.
 * (Their Socket.IO connects are not paced: in one queue behind the upgrades, every snapshot went out
 * at the end, and the last ones 0.5–1.5 s later.) Hand-written: engine.io offers the hook, not the pacing.
 */
export class AdmissionPacing {
  private readonly waiting: Verdict[] = [];
  private scheduled = false;

  constructor(
    private readonly sliceMs: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** engine.io's `allowRequest` option. */
  readonly allowRequest = (_req: IncomingMessage, verdict: Verdict): void => {
    this.waiting.push(verdict);
    this.schedule();
  };

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    void ownTurn().then(() => this.admitSlice());
  }

  private async admitSlice(): Promise<void> {
    const started = this.now();
    do {
      this.waiting.shift()!(null, true);
      await afterQueuedTicks();
    } while (this.waiting.length > 0 && this.now() - started < this.sliceMs());
    this.scheduled = false;
    if (this.waiting.length > 0) this.schedule();
  }
}
