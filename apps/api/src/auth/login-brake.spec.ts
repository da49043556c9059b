import {
  ADDRESS_FAILURE_LIMIT,
  ADDRESS_WINDOW_MS,
  FIRST_BACKOFF_MS,
  FREE_FAILURES,
  LoginBrake,
  MAX_BACKOFF_MS,
} from './login-brake';

describe('LoginBrake', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const failTimes = (brake: LoginBrake, times: number, account = 'bob', address = '10.0.0.1') => {
    for (let i = 0; i < times; i++) brake.failed(account, address);
  };

  it('lets the first wrong passwords through, then doubles the wait up to a ceiling', () => {
    const brake = new LoginBrake();
    failTimes(brake, FREE_FAILURES - 1);
    expect(brake.waitMs('bob', '10.0.0.1')).toBe(0);
    failTimes(brake, 1);
    expect(brake.waitMs('bob', '10.0.0.1')).toBe(FIRST_BACKOFF_MS);
    failTimes(brake, 1);
    expect(brake.waitMs('bob', '10.0.0.1')).toBe(2 * FIRST_BACKOFF_MS);
    failTimes(brake, 20);
    expect(brake.waitMs('bob', '10.0.0.1')).toBe(MAX_BACKOFF_MS);
    jest.advanceTimersByTime(MAX_BACKOFF_MS);
    expect(brake.waitMs('bob', '10.0.0.1')).toBe(0);
  });

  it('never delays the same account from another address, and a correct login clears the back-off', () => {
    const brake = new LoginBrake();
    failTimes(brake, FREE_FAILURES + 3, 'bob', '10.6.6.6');
    expect(brake.waitMs('bob', '10.6.6.6')).toBeGreaterThan(0);
    expect(brake.waitMs('bob', '10.0.0.1')).toBe(0);
    jest.advanceTimersByTime(brake.waitMs('bob', '10.6.6.6'));
    brake.succeeded('bob', '10.6.6.6');
    failTimes(brake, 1, 'bob', '10.6.6.6');
    expect(brake.waitMs('bob', '10.6.6.6')).toBe(0);
  });

  it('limits failed logins per address over all accounts, counting failures only, for one window', () => {
    const brake = new LoginBrake();
    for (let i = 0; i < ADDRESS_FAILURE_LIMIT - 1; i++) {
      brake.failed(`user${i}`, '10.0.0.9');
      brake.succeeded('alice', '10.0.0.9');
    }
    expect(brake.waitMs('carol', '10.0.0.9')).toBe(0);
    brake.failed('one-more', '10.0.0.9');
    expect(brake.waitMs('carol', '10.0.0.9')).toBe(ADDRESS_WINDOW_MS);
    expect(brake.waitMs('carol', '10.0.0.10')).toBe(0);
    jest.advanceTimersByTime(ADDRESS_WINDOW_MS);
    expect(brake.waitMs('carol', '10.0.0.9')).toBe(0);
  });
});
