import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/app-config';

/**
 * Reads OAR_CREDENTIALS: one `login:password` per line (blank lines and `#` comments ignored).
 * Plain text because HTTP Basic needs the password itself; keep the file readable by oar-live only.
 * A bad line stops the boot with the variable and the line number, never the password; so does a
 * file without `oar`, the login the poller and every node operation use.
 */
export function readOarCredentials(path: string): Map<string, string> {
  const credentials = new Map<string, string>();
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (line.trim() === '' || line.trimStart().startsWith('#')) return;
      const colon = line.indexOf(':');
      const login = line.slice(0, colon);
      if (colon < 1 || !/^\w+$/.test(login) || colon === line.length - 1) {
        throw new ConfigError([
          `OAR_CREDENTIALS: line ${index + 1} of ${path} must be login:password with a login of letters, digits or _`,
        ]);
      }
      credentials.set(login, line.slice(colon + 1));
    });
  if (!credentials.has('oar')) {
    throw new ConfigError([
      `OAR_CREDENTIALS: ${path} has no line for oar, the login oar-live reads OAR and manages nodes as`,
    ]);
  }
  return credentials;
}
