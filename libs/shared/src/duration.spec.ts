import { formatHms } from './duration';

describe('formatHms', () => {
  it('pads every field to two digits', () => {
    expect(formatHms(0)).toBe('00:00:00');
    expect(formatHms(61)).toBe('00:01:01');
    expect(formatHms(3600 + 5 * 60 + 9)).toBe('01:05:09');
  });

  it('lets hours grow past a day and past 99', () => {
    expect(formatHms(30 * 3600)).toBe('30:00:00');
    expect(formatHms(100 * 3600 + 59)).toBe('100:00:59');
  });
});
