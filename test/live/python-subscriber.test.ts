import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { OarClient } from '@oar-live/oar-client';
import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import type { Snapshot } from '@oar-live/shared';
import { waitFor } from '../support/wait-for';
import { startApi, type RunningApi } from './api';
import { uniquePrefix } from './support';

/**
 * The Python recipe of docs/events.md, taken from the document itself (so the two cannot drift), run
 * by Debian's python3 with Debian's python3-socketio and python3-aiohttp (.ci/run installs them;
 * PyPI is not reachable) against a live API. OAR is oar-sim: what is under test is the subscriber's
 * copy, and many quick jobs make many batches in seconds, where the shared sandbox would take minutes.
 */
const DEBIAN_PYTHON = '/usr/bin/python3';
const DOC_URL = 'http://127.0.0.1:8080';

/** The ```python block under "## Python" in docs/events.md. */
function documentedRecipe(): string {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'events.md'), 'utf8');
  const section = doc.slice(doc.indexOf('\n## Python\n'));
  const recipe = /```python\n([\s\S]*?)```/.exec(section)?.[1];
  if (!recipe) throw new Error('docs/events.md has no ```python block under "## Python"');
  return recipe;
}

/**
 * The recipe pointed at `url`, with its last line (asyncio.run(main())) replaced by a harness that
 * records the seq of every batch `apply` is given and prints the copy after each message.
 */
function instrumented(recipe: string, url: string): string {
  const run = 'asyncio.run(main())';
  if (!recipe.includes(DOC_URL) || !recipe.trimEnd().endsWith(run))
    throw new Error(`the recipe no longer connects to ${DOC_URL} or ends with ${run}`);
  const harness = `
import json, sys
_documented_apply = apply
applied = []

def apply(snap, batch):
    applied.append(batch["seq"])
    _documented_apply(snap, batch)
    report()

def report():
    print(json.dumps({"applied": applied, "snapshot": state["snapshot"]}), flush=True)

async def observed():
    task = asyncio.ensure_future(main())
    while not task.done():
        report()
        await asyncio.sleep(0.2)
    task.result()

asyncio.run(observed())
`;
  return recipe.trimEnd().slice(0, -run.length).replaceAll(DOC_URL, url) + harness;
}

interface PythonCopy {
  applied: number[];
  snapshot: Snapshot | null;
}

let sim: OarSim;
let api: RunningApi | undefined;
let python: ChildProcess | undefined;

beforeAll(async () => {
  sim = await startOarSim({ host: '127.0.0.1', port: 0, nodes: 4, coresPerNode: 2 });
});
afterAll(async () => {
  if (python && python.exitCode === null) {
    const exited = new Promise((resolve) => python!.once('exit', resolve));
    python.kill();
    await exited;
  }
  await api?.close();
  await sim.stop();
});

describe('the Python subscriber of docs/events.md', () => {
  it('applies every batch once, in order, and ends with a copy equal to the server’s', async () => {
    api = await startApi({ REDIS_KEY_PREFIX: uniquePrefix('python'), OAR_API_URL: sim.url, OAR_POLL_MS: '200' });
    let latest: PythonCopy = { applied: [], snapshot: null };
    /** Every job the Python copy has held. */
    const seen = new Set<number>();
    let errors = '';
    const child = (python = spawn(DEBIAN_PYTHON, ['-c', instrumented(documentedRecipe(), api.url)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        latest = JSON.parse(line) as PythonCopy;
        for (const job of latest.snapshot?.jobs ?? []) seen.add(job.id);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const alive = () => {
      if (child.exitCode !== null) throw new Error(`the recipe exited with ${child.exitCode}:\n${errors}`);
    };
    await waitFor(() => (alive(), latest.snapshot), { describe: 'the recipe’s first snapshot' });

    // Jobs that start and end while it listens: added, changed through Running, removed.
    const oar = new OarClient({ baseUrl: sim.url, auth: 'ident' });
    const ids: number[] = [];
    for (let i = 0; i < 12; i++)
      ids.push(
        (await oar.jobs.submit({ command: `sleep ${1 + (i % 3)}`, resources: '/nodes=1/core=1' }, { as: 'alice' })).id,
      );
    let server: Snapshot | undefined;
    await waitFor(
      async () => {
        alive();
        // Parsed here as the Python copy is: fetch's json() makes objects of another realm under jest,
        // which isDeepStrictEqual never calls equal.
        server = JSON.parse(await (await fetch(`${api!.url}/api/cluster`)).text()) as Snapshot;
        return (
          ids.every((id) => seen.has(id)) && server.jobs.length === 0 && isDeepStrictEqual(latest.snapshot, server)
        );
      },
      { timeoutMs: 60_000, describe: 'every job seen, then gone, and the Python copy equal to /api/cluster' },
    ).catch((err: Error) => {
      const held = latest.snapshot;
      const differing =
        server &&
        Object.keys(server).filter(
          (key) => !isDeepStrictEqual(server![key as keyof Snapshot], held?.[key as keyof Snapshot]),
        );
      throw new Error(
        `${err.message}; server seq ${server?.seq} with ${server?.jobs.length} jobs, Python seq ${held?.seq}, differing: ${differing}\n${errors}`,
      );
    });

    const { applied } = latest;
    expect(applied.length).toBeGreaterThanOrEqual(12);
    expect(applied).toEqual(applied.map((_, i) => applied[0] + i));
    expect(errors).toBe('');
  }, 120_000);
});
