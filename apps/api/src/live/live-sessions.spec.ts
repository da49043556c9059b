import { Test } from '@nestjs/testing';
import { JwtModule } from '@nestjs/jwt';
import { hashSync } from 'bcryptjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { AuthService } from '../auth/auth.service';
import { UsersService } from '../auth/users.service';
import { loadConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LiveSessions, SESSION_EXPIRED, SESSION_REVOKED } from './live-sessions';

const TTL_SECONDS = 60;
const usersYaml = (users: { name: string; hash: string; roles: string[] }[]) =>
  `users:\n${users.map((u) => `  - ${JSON.stringify({ name: u.name, password: u.hash, roles: u.roles })}`).join('\n')}\n`;

describe('LiveSessions', () => {
  let dir: string;
  let file: string;
  const alice = { name: 'alice', hash: hashSync('pw', 4), roles: ['user'] };
  const carol = { name: 'carol', hash: hashSync('cpw', 4), roles: ['viewer'] };

  async function start() {
    const moduleRef = await Test.createTestingModule({
      imports: [JwtModule.register({ secret: 'a'.repeat(32), signOptions: { expiresIn: TTL_SECONDS } })],
      providers: [
        UsersService,
        AuthService,
        LiveSessions,
        { provide: APP_CONFIG, useValue: loadConfig({ OAR_LIVE_USERS: file }) },
      ],
    }).compile();
    await moduleRef.init();
    return { moduleRef, auth: moduleRef.get(AuthService), sessions: moduleRef.get(LiveSessions) };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oar-live-sessions-'));
    file = join(dir, 'users.yaml');
    writeFileSync(file, usersYaml([alice, carol]));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('closes a connection when its token expires, not before', async () => {
    const { moduleRef, auth, sessions } = await start();
    const { token } = (await auth.login('alice', 'pw'))!;
    jest.useFakeTimers({ now: Date.now() });
    try {
      const closed: string[] = [];
      await sessions.track(token, (reason) => closed.push(reason));
      jest.advanceTimersByTime(TTL_SECONDS * 1000 - 2000);
      expect(closed).toEqual([]);
      jest.advanceTimersByTime(2000);
      expect(closed).toEqual([SESSION_EXPIRED]);
      jest.advanceTimersByTime(TTL_SECONDS * 1000);
      expect(closed).toHaveLength(1);
    } finally {
      jest.useRealTimers();
      await moduleRef.close();
    }
  });

  it("closes the connections of a user whose password changed, and only that user's", async () => {
    const { moduleRef, auth, sessions } = await start();
    const closed: string[] = [];
    const aliceToken = (await auth.login('alice', 'pw'))!.token;
    await sessions.track(aliceToken, (reason) => closed.push(`alice: ${reason}`));
    await sessions.track(aliceToken, (reason) => closed.push(`alice again: ${reason}`));
    await sessions.track((await auth.login('carol', 'cpw'))!.token, (reason) => closed.push(`carol: ${reason}`));
    await sessions.track(undefined, (reason) => closed.push(`anonymous: ${reason}`));
    const stopped = await sessions.track(aliceToken, (reason) => closed.push(`ended by itself: ${reason}`));
    stopped();

    const reread = firstValueFrom(moduleRef.get(UsersService).changes$);
    writeFileSync(file, usersYaml([{ ...alice, hash: hashSync('new-pw', 4) }, carol]));
    await reread;
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(closed.sort()).toEqual([`alice again: ${SESSION_REVOKED}`, `alice: ${SESSION_REVOKED}`]);
    await moduleRef.close();
  });

  it('closes the connections of a user removed from the users file', async () => {
    const { moduleRef, auth, sessions } = await start();
    const closed: string[] = [];
    await sessions.track((await auth.login('alice', 'pw'))!.token, (reason) => closed.push(reason));
    const reread = firstValueFrom(moduleRef.get(UsersService).changes$);
    writeFileSync(file, usersYaml([carol]));
    await reread;
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(closed).toEqual([SESSION_REVOKED]);
    await moduleRef.close();
  });

  it('closes at once a connection whose token is already invalid', async () => {
    const { moduleRef, sessions } = await start();
    const closed: string[] = [];
    await sessions.track('not-a-token', (reason) => closed.push(reason));
    expect(closed).toEqual([SESSION_REVOKED]);
    await moduleRef.close();
  });
});
