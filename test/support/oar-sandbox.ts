import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const script = join(__dirname, '..', '..', 'scripts', 'oar-sandbox');

/** Brings the real OAR 2.5.9 sandbox up (idempotent) and returns its API base URL. */
export async function ensureOarSandbox(): Promise<string> {
  const out = execFileSync('bash', [script, 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const url = out.trim().split('\n').pop()!.trim();
  if (!/^http:\/\/127\.0\.0\.1:\d+\/oarapi$/.test(url)) throw new Error(`oar-sandbox up printed no API URL: ${out}`);
  return url;
}

/** Back to 8 Alive resources and no jobs (job ids restart at 1). */
export function resetOarSandbox(): void {
  execFileSync('bash', [script, 'reset'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
