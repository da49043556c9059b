/**
 * Waits for `work` to settle, but at most `ms`; never rejects. For shutdown steps that would
 * otherwise wait as long as Redis stays away (ioredis queues commands until it reconnects).
 * Answers whether `work` settled in time.
 */
export async function settleWithin(work: Promise<unknown> | null | undefined, ms: number): Promise<boolean> {
  if (!work) return true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
