import type { ThrottlerModuleOptions } from '@nestjs/throttler';

type LoginRequest = { ip?: string; body?: { username?: unknown } };

/**
 * Brute-force brake on POST /api/auth/login: per client address and user name (guessing one
 * account's password), and per address overall (trying many accounts). Counters live in process
 * memory, so with several replicas each one brakes on its own.
 */
export const LOGIN_THROTTLERS: ThrottlerModuleOptions = {
  errorMessage: 'too many login attempts: wait a minute and try again',
  throttlers: [
    {
      name: 'login-account',
      ttl: 60_000,
      limit: 10,
      getTracker: (req: LoginRequest) => `${req.ip ?? '?'}|${String(req.body?.username ?? '').slice(0, 64)}`,
    },
    { name: 'login-address', ttl: 60_000, limit: 60, getTracker: (req: LoginRequest) => req.ip ?? '?' },
  ],
};
