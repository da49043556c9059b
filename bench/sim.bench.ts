/**
 * oar-sim at Grid'5000 size: 5,000 nodes × 5 cores (25,000 resources) and 10,000 unfinished jobs.
 * Reads every page of GET /resources/full and GET /jobs/details (OAR's 500 per page) twice: the
 * first walk serialises rows, the second reuses the cached rows (cold/warm ratio side by side),
 * and reports the simulator's heap and RSS with that cluster loaded.
 */
import { startOarSim } from '@oar-live/oar-sim';

const NODES = 5000;
const CORES = 5;
const JOBS = 10000;

interface Walk {
  pages: number;
  items: number;
  totalMs: number;
  slowestPageMs: number;
  medianPageMs: number;
  megabytes: number;
}

async function walk(url: string): Promise<Walk> {
  const times: number[] = [];
  let items = 0;
  let bytes = 0;
  let next: string | undefined = url;
  while (next) {
    const started = performance.now();
    const res = await fetch(next);
    const text = await res.text();
    times.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${next}: HTTP ${res.status}`);
    const page = JSON.parse(text) as { items: unknown[]; links: Array<{ rel: string; href: string }> };
    items += page.items.length;
    bytes += text.length;
    const link = page.links.find((l) => l.rel === 'next');
    next = link ? new URL(link.href, url).toString() : undefined;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    pages: times.length,
    items,
    totalMs: round(times.reduce((a, b) => a + b, 0)),
    slowestPageMs: round(sorted[sorted.length - 1]),
    medianPageMs: round(sorted[Math.floor(sorted.length / 2)]),
    megabytes: round(bytes / 2 ** 20),
  };
}

export async function run(): Promise<object> {
  const before = process.memoryUsage();
  const loadStarted = performance.now();
  const sim = await startOarSim({
    nodes: NODES,
    coresPerNode: CORES,
    workload: { seed: 42, jobsPerMinute: 0, initialJobs: JOBS },
  });
  try {
    const loadMs = performance.now() - loadStarted;
    const root = sim.url;
    // The first scheduling pass places the initial jobs; wait until it has (bounded).
    const deadline = Date.now() + 60000;
    for (;;) {
      const running = (await (await fetch(`${root}/jobs.json?state=toLaunch,Launching,Running&limit=1`)).json()) as {
        total: number;
      };
      if (running.total > 0) break;
      if (Date.now() > deadline) throw new Error('no job started within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const jobsTotal = ((await (await fetch(`${root}/jobs.json?limit=1`)).json()) as { total: number }).total;
    const resourcesCold = await walk(`${root}/resources/full.json`);
    const resourcesWarm = await walk(`${root}/resources/full.json`);
    const jobsCold = await walk(`${root}/jobs/details.json`);
    const jobsWarm = await walk(`${root}/jobs/details.json`);
    global.gc?.();
    const after = process.memoryUsage();
    const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
    return {
      cluster: { resources: NODES * CORES, unfinishedJobs: jobsTotal, startupMs: Math.round(loadMs) },
      resourcesFull: { cold: resourcesCold, warm: resourcesWarm, coldOverWarm: ratio(resourcesCold, resourcesWarm) },
      jobsDetails: { cold: jobsCold, warm: jobsWarm, coldOverWarm: ratio(jobsCold, jobsWarm) },
      memory: {
        heapUsedMiB: mib(after.heapUsed),
        heapGrowthMiB: mib(after.heapUsed - before.heapUsed),
        rssMiB: mib(after.rss),
        rssGrowthMiB: mib(after.rss - before.rss),
      },
    };
  } finally {
    await sim.stop();
  }
}

function ratio(cold: Walk, warm: Walk): number {
  return Math.round((cold.totalMs / warm.totalMs) * 100) / 100;
}
