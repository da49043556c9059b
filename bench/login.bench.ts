/**
 * Login timing: a wrong password for a known name against an unknown name, interleaved in one run.
 * The ratio is what matters (1.0: the answer's time does not tell whether a name exists).
 * Hashes of cost 5, as `htpasswd -nbB` writes them.
 */
import { JwtModule } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';
import { hashSync } from 'bcryptjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthService } from '../apps/api/src/auth/auth.service';
import { UsersService } from '../apps/api/src/auth/users.service';
import { loadConfig } from '../apps/api/src/config/app-config';
import { APP_CONFIG } from '../apps/api/src/config/config.module';

const ROUNDS = 40;

export async function run(): Promise<object> {
  const dir = mkdtempSync(join(tmpdir(), 'oar-live-login-bench-'));
  const file = join(dir, 'users.yaml');
  const hash = hashSync('alice-secret', 5).replace(/^\$2b\$/, '$2y$');
  writeFileSync(file, `users:\n  - ${JSON.stringify({ name: 'alice', password: hash, roles: ['user'] })}\n`);
  const moduleRef = await Test.createTestingModule({
    imports: [JwtModule.register({ secret: 'b'.repeat(32), signOptions: { expiresIn: 60 } })],
    providers: [UsersService, AuthService, { provide: APP_CONFIG, useValue: loadConfig({ OAR_LIVE_USERS: file }) }],
  }).compile();
  await moduleRef.init();
  const auth = moduleRef.get(AuthService);
  const time = async (name: string) => {
    const started = performance.now();
    await auth.login(name, 'wrong');
    return performance.now() - started;
  };
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    known.push(await time('alice'));
    unknown.push(await time(`nobody${i}`));
  }
  await moduleRef.close();
  rmSync(dir, { recursive: true, force: true });
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    rounds: ROUNDS,
    knownNameWrongPasswordMedianMs: round(median(known)),
    unknownNameMedianMs: round(median(unknown)),
    unknownOverKnownRatio: round(median(unknown) / median(known)),
  };
}
