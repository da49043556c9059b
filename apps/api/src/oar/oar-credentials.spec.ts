import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/app-config';
import { readOarCredentials } from './oar-credentials';

const file = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'oar-cred-')), 'credentials');
  writeFileSync(path, text);
  return path;
};

describe('OAR_CREDENTIALS', () => {
  it('reads login:password lines, skipping blanks and comments; a password may hold colons', () => {
    const credentials = readOarCredentials(file('# OAR Basic auth\noar:oar:pw\n\nalice:alicepw\n'));
    expect([...credentials]).toEqual([
      ['oar', 'oar:pw'],
      ['alice', 'alicepw'],
    ]);
  });

  it.each(['nopassword', ':pw', 'bad login:pw', 'alice:'])(
    'names the variable and line of %j, not its text',
    (line) => {
      const path = file(`oar:oarpw\n${line}\n`);
      expect(() => readOarCredentials(path)).toThrow(ConfigError);
      expect(() => readOarCredentials(path)).toThrow(/^OAR_CREDENTIALS: line 2 of .* must be login:password/);
      expect(() => readOarCredentials(path)).not.toThrow(new RegExp(line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    },
  );

  it('needs a line for oar, whose login the poller and node operations use', () => {
    const path = file('alice:alicepw\n');
    expect(() => readOarCredentials(path)).toThrow(ConfigError);
    expect(() => readOarCredentials(path)).toThrow(/^OAR_CREDENTIALS: .* has no line for oar/);
  });

  it('is required, as one line, when OAR_AUTH=basic points at an OAR', () => {
    expect(() => loadConfig({ OAR_API_URL: 'http://127.0.0.1:6668/oarapi-priv', OAR_AUTH: 'basic' })).toThrow(
      /^OAR_CREDENTIALS: required when OAR_AUTH=basic/,
    );
    expect(() => loadConfig({ OAR_CREDENTIALS: '/nonexistent/credentials' })).toThrow(
      /^OAR_CREDENTIALS: must be the path of a readable file/,
    );
  });
});
