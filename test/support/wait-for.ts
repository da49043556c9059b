export interface WaitForOptions {
  /** Give up after this long (default 30 000 ms). */
  timeoutMs?: number;
  /** Pause between two checks (default 200 ms). */
  intervalMs?: number;
  /** What is awaited, for the error message ("job 3 Terminated"); a function is asked at the end. */
  describe?: string | (() => string);
}

/**
 * Polls `predicate` until it returns a value other than undefined/false/null and returns that value;
 * throws after `timeoutMs`, naming what was awaited and the last value or error seen. A bounded
 * condition poll, never a fixed sleep: for states that only a poll can observe (OAR job states).
 */
export async function waitFor<T>(
  predicate: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 200, describe = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value !== undefined && value !== null && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? `${last.name}: ${last.message}` : JSON.stringify(last);
      const what = typeof describe === 'function' ? describe() : describe;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
