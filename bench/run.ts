/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (each exports `run(): Promise<object>`),
 * prints one JSON document and writes it to bench/results/latest.json.
 * Benchmarks report ratios measured side by side in the same run; absolute times are context only.
 * `npm run bench -- live` runs only the benchmarks whose file name contains "live".
 */
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const results: Record<string, unknown> = {};
  for (const file of files) {
    const name = file.replace(/\.bench\.ts$/, '');
    const started = Date.now();
    process.stderr.write(`bench ${name} …\n`);
    const mod = (await import(join(__dirname, file))) as { run: () => Promise<object> };
    try {
      results[name] = { ...(await mod.run()), benchSeconds: (Date.now() - started) / 1000 };
    } catch (err) {
      results[name] = { error: String((err as Error).stack ?? err) };
    }
  }
  const report = {
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    results,
  };
  const json = JSON.stringify(report, null, 2);
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'latest.json'), json + '\n');
  process.stdout.write(json + '\n');
  process.exit(Object.values(results).some((r) => (r as { error?: string }).error) ? 1 : 0);
}

void main();
