/** How long one turn of a long loop (25,000 resources, a 2.3 MB snapshot) may hold the event loop. */
export const TURN_SLICE_MS = 10;

/** Loops waiting for a turn of their own, in the order they asked. */
const waiting: (() => void)[] = [];
let scheduled = false;

function scheduleTurn(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(giveTurn);
}

/** Runs in the check phase of one event-loop turn: the first waiting loop gets it, the next one the next turn. */
function giveTurn(): void {
  scheduled = false;
  const resume = waiting.shift();
  if (waiting.length > 0) scheduleTurn();
  resume?.();
}

/**
 * Resolves in a turn of the event loop of its own: after every loop that asked before had its own.
 * Node runs every immediate queued before its check phase in that one phase, so loops yielding with
 * their own setImmediate (snapshot encoding, snapshot delivery, admitting connections, a fan-out:
 * 10 ms slices each) ran one after another in the same turn and held the event loop for 40 ms and
 * more in a reconnect storm. Through this queue, paced loops take turns one at a time; timers and
 * sockets run between any two. Hand-written: it is a FIFO around setImmediate.
 */
export function ownTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    scheduleTurn();
  });
}

/**
 * `pace()` for long loops: resolves at once while the current slice has run less than `sliceMs`,
 * else in a turn of its own (ownTurn), where a new slice starts.
 * Hand-written: no library paces a loop by time, and it is a clock check around ownTurn.
 */
export function turnPacer(sliceMs = TURN_SLICE_MS): () => Promise<void> {
  let sliceStarted = performance.now();
  return async () => {
    if (performance.now() - sliceStarted < sliceMs) return;
    await ownTurn();
    sliceStarted = performance.now();
  };
}
