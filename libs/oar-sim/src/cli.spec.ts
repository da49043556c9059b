import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../../test/support/free-port';

/** Runs the CLI from its sources and returns its first log line once it listens. */
function startCli(args: string[]) {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'cli.ts'), ...args], {
    env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '../../../tsconfig.jest.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<{ url: string }>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('oar-sim listening'));
      if (line) resolve(JSON.parse(line) as { url: string });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`oar-sim exited with ${code}: ${output}`)));
  });
  return { child, exited, listening };
}

describe('oar-sim CLI', () => {
  it('serves the API on the given host and port and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const cli = startCli([
      '--port',
      String(port),
      '--nodes',
      '3',
      '--cores',
      '2',
      '--workload-rate',
      '60',
      '--seed',
      '4',
    ]);
    const { url } = await cli.listening;
    expect(url).toBe(`http://127.0.0.1:${port}/oarapi`);
    const resources = (await (await fetch(`${url}/resources.json`)).json()) as { total: number };
    expect(resources.total).toBe(6);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('refuses a malformed option with a clear message', async () => {
    const cli = startCli(['--nodes', 'many']);
    await expect(cli.listening).rejects.toThrow(/--nodes must be a non-negative number, got .*many/);
    expect(await cli.exited).toBe(1);
  });
});
