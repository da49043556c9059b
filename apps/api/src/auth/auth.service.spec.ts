import { Test, type TestingModule } from '@nestjs/testing';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { getRounds, hashSync } from 'bcryptjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_CONFIG } from '../config/config.module';
import { loadConfig } from '../config/app-config';
import { AuthService } from './auth.service';
import { UsersService } from './users.service';

/** htpasswd -nbB writes $2y$ hashes; bcryptjs writes $2b$ (same algorithm). */
const htpasswdHash = (password: string) => hashSync(password, 4).replace(/^\$2b\$/, '$2y$');

type UserLine = { name: string; password: string; roles: string[]; oarLogin?: string };

function usersYaml(users: UserLine[]): string {
  return hashedUsersYaml(users.map((u) => ({ ...u, password: htpasswdHash(u.password) })));
}

function hashedUsersYaml(users: UserLine[]): string {
  return `users:\n${users.map((u) => `  - ${JSON.stringify(u)}`).join('\n')}\n`;
}

/** Every module a test opened, closed after it even when the test failed half-way. */
const openModules: TestingModule[] = [];

async function makeAuth(env: Record<string, string>) {
  const moduleRef = await Test.createTestingModule({
    imports: [JwtModule.register({ secret: 'a'.repeat(32), signOptions: { expiresIn: 60 } })],
    providers: [UsersService, AuthService, { provide: APP_CONFIG, useValue: loadConfig(env) }],
  }).compile();
  await moduleRef.init();
  openModules.push(moduleRef);
  return {
    moduleRef,
    auth: moduleRef.get(AuthService),
    users: moduleRef.get(UsersService),
    jwt: moduleRef.get(JwtService),
  };
}

describe('AuthService', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oar-live-users-'));
    file = join(dir, 'users.yaml');
  });
  afterEach(async () => {
    await Promise.all(openModules.splice(0).map((moduleRef) => moduleRef.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with a $2y$ hash and resolves the token to the user with its OAR login', async () => {
    writeFileSync(file, usersYaml([{ name: 'carol', password: 'carolpw', roles: ['user'], oarLogin: 'alice' }]));
    const { moduleRef, auth } = await makeAuth({ OAR_LIVE_USERS: file });
    expect(await auth.login('carol', 'wrong')).toBeNull();
    expect(await auth.login('nobody', 'carolpw')).toBeNull();
    const result = await auth.login('carol', 'carolpw');
    expect(result?.user).toEqual({ name: 'carol', roles: ['user'], oarLogin: 'alice' });
    expect(await auth.verifyToken(result!.token)).toEqual({ name: 'carol', roles: ['user'], oarLogin: 'alice' });
    expect(await auth.verifyToken(result!.token + 'x')).toBeNull();
    await moduleRef.close();
  });

  it('rejects expired tokens and tokens signed with another secret', async () => {
    writeFileSync(file, usersYaml([{ name: 'alice', password: 'pw', roles: ['user'] }]));
    const { moduleRef, auth, jwt } = await makeAuth({ OAR_LIVE_USERS: file });
    const expired = await jwt.signAsync({ sub: 'alice' }, { expiresIn: -10 });
    expect(await auth.verifyToken(expired)).toBeNull();
    const foreign = await new JwtService({ secret: 'b'.repeat(32) }).signAsync({ sub: 'alice' });
    expect(await auth.verifyToken(foreign)).toBeNull();
    await moduleRef.close();
  });

  it('stops accepting a token it has already verified once the token expires', async () => {
    writeFileSync(file, usersYaml([{ name: 'alice', password: 'pw', roles: ['user'] }]));
    const { moduleRef, auth } = await makeAuth({ OAR_LIVE_USERS: file });
    const token = (await auth.login('alice', 'pw'))!.token;
    // After the login: bcrypt's async compare waits on real timers.
    jest.useFakeTimers({ now: Date.now() });
    try {
      expect(await auth.verifyToken(token)).toMatchObject({ name: 'alice' });
      jest.advanceTimersByTime(55_000);
      expect(await auth.verifyToken(token)).toMatchObject({ name: 'alice' });
      jest.advanceTimersByTime(6_000);
      expect(await auth.verifyToken(token)).toBeNull();
    } finally {
      jest.useRealTimers();
      await moduleRef.close();
    }
  });

  it('re-reads the file on change, keeps the last good list on a bad edit', async () => {
    writeFileSync(file, usersYaml([{ name: 'alice', password: 'pw', roles: ['user'] }]));
    const { moduleRef, auth, users } = await makeAuth({ OAR_LIVE_USERS: file });
    writeFileSync(file, usersYaml([{ name: 'alice', password: 'pw', roles: ['admin'] }]));
    await waitFor(() => users.find('alice')?.roles[0] === 'admin');
    const token = (await auth.login('alice', 'pw'))!.token;
    expect((await auth.verifyToken(token))?.roles).toEqual(['admin']);

    writeFileSync(file, 'users: [ {\n');
    await waitFor(() => users.lastReloadError() !== undefined);
    expect((await auth.verifyToken(token))?.roles).toEqual(['admin']);

    writeFileSync(file, usersYaml([{ name: 'bob', password: 'pw', roles: ['user'] }]));
    await waitFor(() => users.find('alice') === undefined);
    expect(await auth.verifyToken(token)).toBeNull();
    await moduleRef.close();
  });

  it.each([
    ['a changed password', { password: 'new-pw' }],
    ['changed roles', { roles: ['admin'] }],
    ['a changed OAR login', { oarLogin: 'bob' }],
  ])('revokes the tokens of a user after %s in the users file, and only theirs', async (_, change) => {
    const before = [
      { name: 'alice', password: htpasswdHash('pw'), roles: ['user'] },
      { name: 'carol', password: htpasswdHash('cpw'), roles: ['user'] },
    ];
    writeFileSync(file, hashedUsersYaml(before));
    const { moduleRef, auth, users } = await makeAuth({ OAR_LIVE_USERS: file });
    const aliceToken = (await auth.login('alice', 'pw'))!.token;
    const carolToken = (await auth.login('carol', 'cpw'))!.token;
    expect(await auth.verifyToken(aliceToken)).not.toBeNull();
    let changed = false;
    const subscription = users.changes$.subscribe(() => (changed = true));
    const changedAlice = { ...before[0], ...change };
    if ('password' in change) changedAlice.password = htpasswdHash(change.password);
    writeFileSync(file, hashedUsersYaml([changedAlice, before[1]]));
    await waitFor(() => changed);
    subscription.unsubscribe();
    expect(await auth.verifyToken(aliceToken)).toBeNull();
    expect(await auth.readAccess(aliceToken)).toEqual({
      allowed: false,
      reason: 'the token is invalid, expired or revoked',
    });
    expect(await auth.verifyToken(carolToken)).toMatchObject({ name: 'carol' });
    const password = 'password' in change ? change.password : 'pw';
    expect(await auth.verifyToken((await auth.login('alice', password))!.token)).toMatchObject({ name: 'alice' });
    await moduleRef.close();
  });

  it('refuses a correctly signed token that has no exp', async () => {
    writeFileSync(file, usersYaml([{ name: 'alice', password: 'pw', roles: ['user'] }]));
    const { moduleRef, auth, jwt } = await makeAuth({ OAR_LIVE_USERS: file });
    const { token } = (await auth.login('alice', 'pw'))!;
    const { exp, iat, ...claims } = jwt.decode<{ exp: number; iat: number }>(token);
    expect(exp - iat).toBe(60);
    const forever = await new JwtService({ secret: 'a'.repeat(32) }).signAsync(claims);
    expect(jwt.decode<object>(forever)).not.toHaveProperty('exp');
    expect(await auth.verifyToken(forever)).toBeNull();
    await moduleRef.close();
  });

  it('checks an unknown name against a dummy hash of the cost the users file uses', async () => {
    writeFileSync(file, usersYaml([{ name: 'alice', password: 'pw', roles: ['user'] }]));
    const { moduleRef, users } = await makeAuth({ OAR_LIVE_USERS: file });
    expect(getRounds(users.passwordHashOf('alice'))).toBe(4);
    expect(getRounds(users.passwordHashOf('nobody'))).toBe(4);
    expect(users.passwordHashOf('nobody')).not.toBe(users.passwordHashOf('alice'));
    await moduleRef.close();
  });

  it('without a users file makes an admin whose random password is given out once', async () => {
    const { moduleRef, auth, users } = await makeAuth({});
    const password = users.bootstrapAdminPassword();
    expect(password).toMatch(/^[\w-]{20,}$/);
    expect(users.bootstrapAdminPassword()).toBeUndefined();
    expect((await auth.login('admin', password!))?.user).toEqual({
      name: 'admin',
      roles: ['admin'],
      oarLogin: 'admin',
    });
    await moduleRef.close();
  });

  it('fails at boot on a broken users file, naming the file and the field', async () => {
    writeFileSync(file, 'users:\n  - { name: alice, password: plain, roles: [user] }\n');
    await expect(makeAuth({ OAR_LIVE_USERS: file })).rejects.toThrow(
      /OAR_LIVE_USERS: .*users\.yaml: users\.0\.password/,
    );
  });

  it('applies OAR_LIVE_ANONYMOUS_READ to tokenless reads, and refuses bad tokens either way', async () => {
    const open = await makeAuth({});
    expect(await open.auth.readAccess(undefined)).toEqual({ allowed: true, user: null });
    expect(await open.auth.readAccess('garbage')).toMatchObject({ allowed: false });
    await open.moduleRef.close();
    const closed = await makeAuth({ OAR_LIVE_ANONYMOUS_READ: 'false' });
    expect(await closed.auth.readAccess(undefined)).toMatchObject({ allowed: false });
    const { token } = (await closed.auth.login('admin', closed.users.bootstrapAdminPassword()!))!;
    expect(await closed.auth.readAccess(token)).toMatchObject({ allowed: true, user: { name: 'admin' } });
    await closed.moduleRef.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
