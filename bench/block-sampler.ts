/**
 * The real-scale benches' view of what makes a block (monitorEventLoopDelay gives only its length):
 * a 5 ms timer notes each gap between its turns and the CPU time this process used in it. A long gap
 * in which the process used little CPU was a wait for one of the shared host's cores, not work.
 * The idle floor process (./real-scale-idle-loop.ts) uses it too.
 */
const SAMPLE_MS = 5;
const LONG_GAP_MS = 50;

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** Starts sampling; `stop()` gives the longest gap (ms), the process CPU in it (ms), and how many gaps exceeded 50 ms. */
export function sampleBlocks(): {
  stop(): { longestGapMs: number; longestGapCpuMs: number; gapsOver50Ms: number };
} {
  let last = performance.now();
  let lastCpu = cpuMs(process.cpuUsage());
  let longest = { gapMs: 0, cpuMs: 0 };
  let longGaps = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = cpuMs(process.cpuUsage());
    const gapMs = now - last;
    if (gapMs > LONG_GAP_MS) longGaps += 1;
    if (gapMs > longest.gapMs) longest = { gapMs, cpuMs: cpu - lastCpu };
    last = now;
    lastCpu = cpu;
  }, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      return { longestGapMs: longest.gapMs, longestGapCpuMs: longest.cpuMs, gapsOver50Ms: longGaps };
    },
  };
}
