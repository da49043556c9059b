import type { SimClock } from './clock';

interface Entry {
  at: number;
  seq: number;
  run: () => void;
}

/**
 * Runs callbacks at simulated times with one real timer for all of them (a binary min-heap by
 * time, FIFO among equal times). Hand-written: thousands of pending job steps must not mean
 * thousands of timers, and no small well-kept library offers a clock-driven heap.
 */
export class Timeline {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private stopped = false;

  constructor(private readonly clock: SimClock) {}

  at(at: number, run: () => void): void {
    if (this.stopped) return;
    this.push({ at, seq: this.seq++, run });
    if (at < this.armedFor) this.arm();
  }

  after(seconds: number, run: () => void): void {
    this.at(this.clock.now() + seconds, run);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.heap.length = 0;
  }

  private arm(): void {
    clearTimeout(this.timer);
    const next = this.heap[0];
    if (!next) {
      this.armedFor = Infinity;
      return;
    }
    this.armedFor = next.at;
    this.timer = setTimeout(() => this.fire(), Math.min(this.clock.realDelayMs(next.at), 2 ** 31 - 1));
  }

  private fire(): void {
    const now = this.clock.now();
    while (!this.stopped && this.heap.length > 0 && this.heap[0].at <= now) this.pop().run();
    if (!this.stopped) this.arm();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
