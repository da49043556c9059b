import { loadConfig, ConfigError } from './app-config';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 8080,
      HOST: '127.0.0.1',
      OAR_AUTH: 'ident',
      OAR_POLL_MS: 2000,
      OAR_LIVE_ANONYMOUS_READ: true,
    });
    expect(loadConfig({}).OAR_API_URL).toBeUndefined();
  });

  it('accepts a readable users file', () => {
    expect(loadConfig({ OAR_LIVE_USERS: __filename }).OAR_LIVE_USERS).toBe(__filename);
  });

  it('reads OAR_LIVE_TRUST_PROXY as off, a hop count or proxy addresses', () => {
    expect(loadConfig({}).OAR_LIVE_TRUST_PROXY).toBe(false);
    expect(loadConfig({ OAR_LIVE_TRUST_PROXY: '2' }).OAR_LIVE_TRUST_PROXY).toBe(2);
    expect(loadConfig({ OAR_LIVE_TRUST_PROXY: '10.0.0.5, 192.168.0.0/16,loopback,::1' }).OAR_LIVE_TRUST_PROXY).toEqual([
      '10.0.0.5',
      '192.168.0.0/16',
      'loopback',
      '::1',
    ]);
  });

  it.each([
    ['PORT', 'abc', /^PORT: must be an integer from 1 to 65535 \(got "abc"\)$/],
    ['PORT', '70000', /^PORT: must be an integer/],
    ['OAR_API_URL', 'not a url', /^OAR_API_URL: must be an http\(s\) URL/],
    ['OAR_AUTH', 'kerberos', /^OAR_AUTH: must be one of ident, basic, none \(got "kerberos"\)$/],
    ['OAR_POLL_MS', '5', /^OAR_POLL_MS: must be an integer number of milliseconds/],
    ['REDIS_URL', 'http://x', /^REDIS_URL: must be a redis:\/\/ URL/],
    ['OAR_LIVE_ANONYMOUS_READ', 'maybe', /^OAR_LIVE_ANONYMOUS_READ: must be true or false/],
    ['OAR_LIVE_USERS', '/nonexistent/users.yaml', /^OAR_LIVE_USERS: must be the path of a readable users YAML file/],
    ['OAR_LIVE_USERS', __dirname, /^OAR_LIVE_USERS: must be the path of a readable users YAML file/],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/],
    ['OAR_LIVE_TRUST_PROXY', 'yes', /^OAR_LIVE_TRUST_PROXY: must be false, a number of proxy hops from 1 to 10/],
    ['OAR_LIVE_TRUST_PROXY', '10.0.0.0/33', /^OAR_LIVE_TRUST_PROXY: must be false/],
    ['OAR_LIVE_TRUST_PROXY', '11', /^OAR_LIVE_TRUST_PROXY: must be false/],
    ['OAR_LIVE_REDIS_PORT', '0', /^OAR_LIVE_REDIS_PORT: must be an integer from 1 to 65535/],
  ])('rejects %s=%s with one line naming it', (name, value, message) => {
    try {
      loadConfig({ [name]: value });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toHaveLength(1);
      expect((err as ConfigError).problems[0]).toMatch(message);
    }
  });
});
