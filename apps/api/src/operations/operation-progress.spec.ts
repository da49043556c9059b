import fc from 'fast-check';
import { PROGRESS_MIN_INTERVAL_MS, PROGRESS_STEPS, ProgressTally } from './operation-progress';

describe('ProgressTally', () => {
  it('asks for at most PROGRESS_STEPS announcements, at least PROGRESS_MIN_INTERVAL_MS apart, whatever the size and pace', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 50 }),
        (total, gaps) => {
          let clock = 0;
          const tally = new ProgressTally(total, [], () => clock);
          const announcedAt: number[] = [];
          for (let i = 0; i < total; i++) {
            clock += gaps[i % gaps.length];
            if (tally.record({ target: String(i), ok: i % 7 !== 0 })) announcedAt.push(clock);
          }
          expect(announcedAt.length).toBeLessThanOrEqual(PROGRESS_STEPS);
          announcedAt
            .slice(1)
            .forEach((at, i) => expect(at - announcedAt[i]).toBeGreaterThanOrEqual(PROGRESS_MIN_INTERVAL_MS));
          expect(tally.progress).toEqual({ total, done: total, failed: Math.ceil(total / 7) });
        },
      ),
    );
  });

  it('counts the outcomes of an earlier attempt, once per target', () => {
    const tally = new ProgressTally(4, [
      { target: '1', ok: true },
      { target: '2', ok: false },
    ]);
    tally.record({ target: '2', ok: true });
    expect(tally.progress).toEqual({ total: 4, done: 2, failed: 0 });
    expect(tally.has('1')).toBe(true);
    expect(tally.has('3')).toBe(false);
  });
});
