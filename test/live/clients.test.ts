import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import type { Batch, LiveEvent } from '@oar-live/shared';
import { EventLogService } from '../../apps/api/src/cluster/event-log.service';
import { startFeedApi, type RunningApi } from './api';
import { uniquePrefix } from './support';
import { bareNode } from '../support/live-fixtures';

/** The subscriber examples of docs/events.md and `npx oar-live watch`, run for real against an API. */
const root = join(__dirname, '..', '..');
const node = (name: string): LiveEvent => ({
  type: 'node.added',
  node: bareNode(name),
});

let redis: Redis;
let api: RunningApi;
const children: ChildProcess[] = [];
const append = (events: LiveEvent[]) => api.app.get(EventLogService).append(events) as Promise<Batch>;

/** Starts a program and hands out its stdout line by line. */
function run(command: string, args: string[]): () => Promise<string> {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  return () => {
    const line = lines.shift();
    return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiting.push(resolve));
  };
}

beforeAll(async () => {
  redis = new Redis(process.env.REDIS_URL!);
  api = await startFeedApi(redis, uniquePrefix('clients'));
  await append([node('node1')]);
});
afterAll(async () => {
  for (const child of children) child.kill();
  await api.close();
  await redis.quit();
});

describe('subscriber examples', () => {
  it('npx oar-live watch prints the snapshot then each batch as NDJSON, and replays with --since', async () => {
    const next = run(process.execPath, ['bin/oar-live.js', 'watch', '--url', api.url]);
    expect(JSON.parse(await next())).toEqual({
      snapshot: expect.objectContaining({ seq: 1, nodes: [expect.objectContaining({ name: 'node1' })] }),
    });
    const second = await append([node('node2')]);
    expect(JSON.parse(await next())).toEqual(second);
    const replay = run(process.execPath, ['bin/oar-live.js', 'watch', '--url', api.url, '--since', '0']);
    expect(JSON.parse(await replay())).toMatchObject({ seq: 1 });
    expect(JSON.parse(await replay())).toEqual(second);
  });

  it('npx oar-live watch | head -2: ends quietly (status 0, nothing on stderr) once its reader is gone', async () => {
    const child = spawn(process.execPath, ['bin/oar-live.js', 'watch', '--url', api.url], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // The reader takes the first line (the snapshot) and goes away, as `head` does.
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.stdout!.destroy();
    // The next batch is written to a closed pipe: EPIPE.
    const written = setInterval(() => void append([node(`node-epipe-${Date.now()}`)]), 200);
    try {
      expect(await exited).toBe(0);
    } finally {
      clearInterval(written);
    }
    expect(stderr).toBe('');
  });

  it('runs the Node.js Socket.IO example of docs/events.md as written', async () => {
    execFileSync('npx', ['tsc', '-b', 'libs/shared'], { cwd: root });
    const doc = readFileSync(join(root, 'docs', 'events.md'), 'utf8');
    const example = /```js\n([\s\S]*?)```/.exec(doc)![1].replace('http://127.0.0.1:8080', api.url);
    const file = join(mkdtempSync(join(tmpdir(), 'oar-live-doc-')), 'watch.js');
    writeFileSync(file, `module.paths.unshift(${JSON.stringify(join(root, 'node_modules'))});\n${example}`);
    const next = run(process.execPath, [file]);
    expect(await next()).toMatch(/^seq \d+: \d+ nodes, 0 jobs, OAR down$/);
    const batch = await append([node('node9')]);
    expect(await next()).toBe(`${batch.seq} node.added node9`);
  });

  it('runs the curl SSE example of docs/events.md as written', async () => {
    const doc = readFileSync(join(root, 'docs', 'events.md'), 'utf8');
    const line = /^curl -sN http:\/\/127\.0\.0\.1:8080\/api\/events\b.*$/m.exec(doc)![0].replace(/\s+#.*$/, '');
    const next = run('bash', ['-c', line.replace('http://127.0.0.1:8080', api.url)]);
    expect(await next()).toMatch(/^id: [0-9a-f]*:\d+$/);
    expect(await next()).toBe('event: snapshot');
    expect(JSON.parse((await next()).replace(/^data: /, ''))).toMatchObject({ nodes: expect.any(Array) });
  });
});
