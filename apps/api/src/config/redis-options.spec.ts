import { bullConnection, DEFAULT_REDIS_URL, redisKeyPrefixes, redisUrl } from './redis-options';

describe('Redis options from the configuration', () => {
  it('falls back to the local Redis when REDIS_URL is unset', () => {
    expect(redisUrl({})).toBe(DEFAULT_REDIS_URL);
    expect(redisUrl({ REDIS_URL: 'redis://10.0.0.5:6380/2' })).toBe('redis://10.0.0.5:6380/2');
  });

  it('gives BullMQ the URL as ioredis options, credentials decoded and TLS for rediss://', () => {
    expect(bullConnection({ REDIS_URL: 'rediss://ops:p%40ss@redis.example:6380/3' })).toEqual({
      host: 'redis.example',
      port: 6380,
      username: 'ops',
      password: 'p@ss',
      db: 3,
      tls: {},
    });
    expect(bullConnection({})).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
  });

  it('puts every key under REDIS_KEY_PREFIX, one part per owner', () => {
    expect(redisKeyPrefixes({ REDIS_KEY_PREFIX: 'site-a:' })).toEqual({
      live: 'site-a:live:',
      operations: 'site-a:ops:',
      bull: 'site-a:bull',
      utilisation: 'site-a:utilisation',
    });
  });
});
