import { hasRole, isFinished, OPERATION_STATES, ROLES } from './operations';

describe('hasRole', () => {
  it('ranks viewer < user < admin: a role includes every one below it', () => {
    for (const held of ROLES)
      for (const needed of ROLES)
        expect(hasRole({ roles: [held] }, needed)).toBe(ROLES.indexOf(held) >= ROLES.indexOf(needed));
  });

  it('grants nothing without a role', () => {
    expect(ROLES.map((role) => hasRole({ roles: [] }, role))).toEqual([false, false, false]);
  });
});

describe('isFinished', () => {
  it('is true for succeeded and failed only', () => {
    expect(OPERATION_STATES.filter(isFinished)).toEqual(['succeeded', 'failed']);
  });
});
