import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../support/wait-for';

export const ROOT = join(__dirname, '..', '..');

/** Variables the jest run sets for other tests that would change what is under test here. */
const INHERITED_OUT = ['REDIS_URL', 'OAR_API_URL', 'OAR_SANDBOX_URL', 'OAR_LIVE_USERS', 'PORT', 'HOST'];

export interface Started {
  child: ChildProcess;
  /** Set in the environment of everything it starts, to find them in /proc afterwards. */
  marker: string;
  output(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** Starts `command` from the repository root with a clean environment plus `env`, capturing output. */
export function startProcess(command: string, args: string[], env: Record<string, string>): Started {
  const marker = randomUUID();
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !INHERITED_OUT.includes(name)));
  const child = spawn(command, args, {
    cwd: ROOT,
    // Its own process group, so that a Ctrl-C can be sent to it as a terminal would, and to it alone.
    detached: true,
    env: { ...base, LOG_LEVEL: 'warn', OAR_LIVE_TEST_MARKER: marker, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    marker,
    output: () => stdout + stderr,
    stderr: () => stderr,
    exited,
    waitForOutput: (pattern, timeoutMs = 30_000) =>
      waitFor(() => (stdout + stderr).match(pattern), { timeoutMs, describe: `output matching ${pattern}` }),
  };
}

/** `npm start`, as a user types it. */
export function npmStart(env: Record<string, string>): Started {
  return startProcess('npm', ['start'], env);
}

/** Pids of live processes whose environment carries `marker`. */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').includes(`OAR_LIVE_TEST_MARKER=${marker}`))
        found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `url` answers with `status`; returns the parsed JSON body. */
export async function waitForStatus(url: string, status: number, timeoutMs: number): Promise<unknown> {
  return waitFor(
    async () => {
      const res = await fetch(url);
      return res.status === status ? ((await res.json()) as unknown) : undefined;
    },
    { timeoutMs, intervalMs: 250, describe: `${url} answering ${status}` },
  );
}

/**
 * Stops it with SIGTERM, or as Ctrl-C in a terminal does (SIGINT to the whole foreground process
 * group), and returns how it ended and how long it took.
 */
export async function terminate(
  started: Started,
  how: 'SIGTERM' | 'ctrl-c' = 'SIGTERM',
): Promise<{ code: number | null; ms: number }> {
  const at = Date.now();
  if (how === 'ctrl-c') process.kill(-started.child.pid!, 'SIGINT');
  else started.child.kill('SIGTERM');
  const { code } = await started.exited;
  return { code, ms: Date.now() - at };
}
