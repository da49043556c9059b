/**
 * `npm run oar-sim -- --port 6670 --nodes 4 --cores 2 [--host 127.0.0.1] [--seed N]
 *  [--workload-rate JOBS_PER_MIN] [--time-factor F] [--costs none|measured] [--clusters N]`: the
 *  simulator on its own (`--costs measured`: it answers as slowly as the real OAR, see cost-model.ts).
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { MEASURED_COSTS, NO_COSTS } from './cost-model';
import { startOarSim } from './sim';

const log = pino({ name: 'oar-sim' });

function numberOption(values: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      nodes: { type: 'string' },
      cores: { type: 'string' },
      seed: { type: 'string' },
      'workload-rate': { type: 'string' },
      'time-factor': { type: 'string' },
      costs: { type: 'string', default: 'none' },
      clusters: { type: 'string' },
    },
    strict: true,
  });
  const rate = numberOption(values, 'workload-rate', 0);
  if (values.costs !== 'none' && values.costs !== 'measured')
    throw new Error(`--costs must be none or measured, got "${values.costs}"`);
  const sim = await startOarSim({
    host: values.host,
    port: numberOption(values, 'port', 6670),
    nodes: numberOption(values, 'nodes', 4),
    coresPerNode: numberOption(values, 'cores', 2),
    timeFactor: numberOption(values, 'time-factor', 1) || 1,
    clusters: numberOption(values, 'clusters', 0),
    workload: rate > 0 ? { seed: numberOption(values, 'seed', 1), jobsPerMinute: rate } : undefined,
    costs: values.costs === 'measured' ? MEASURED_COSTS : NO_COSTS,
  });
  log.info({ url: sim.url, privUrl: `${sim.url}-priv` }, 'oar-sim listening');
  const shutdown = (signal: string) => {
    log.info({ signal }, 'stopping');
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  log.error({ err }, 'oar-sim failed to start');
  process.exit(1);
});
