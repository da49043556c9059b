import type { IncomingMessage } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AdmissionPacing } from './admission-pacing';

const request = {} as IncomingMessage;

/** Asks `count` connections in, recording the order in which they are let through. */
function ask(pacing: AdmissionPacing, count: number): { admitted: number[]; verdicts: [unknown, boolean][] } {
  const admitted: number[] = [];
  const verdicts: [unknown, boolean][] = [];
  for (let i = 0; i < count; i++)
    pacing.allowRequest(request, (err, success) => {
      admitted.push(i);
      verdicts.push([err, success]);
    });
  return { admitted, verdicts };
}

describe('AdmissionPacing', () => {
  it('lets nobody through in the turn they arrive, then everybody in order, allowed', async () => {
    const { admitted, verdicts } = ask(new AdmissionPacing(() => 1000), 5);
    expect(admitted).toEqual([]);
    await nextTurn();
    expect(admitted).toEqual([0, 1, 2, 3, 4]);
    expect(verdicts.every(([err, success]) => err === null && success)).toBe(true);
  });

  it('with no time left in a slice, lets one connection through per turn', async () => {
    const { admitted } = ask(new AdmissionPacing(() => 0), 3);
    const seen: number[] = [];
    for (let turn = 0; turn < 3; turn++) {
      await nextTurn();
      seen.push(admitted.length);
    }
    expect(seen).toEqual([1, 2, 3]);
  });

  it.each([
    ['in the verdict (the upgrade)', (work: () => void) => work()],
    ["in a microtask after the verdict (Engine.IO's handshake)", (work: () => void) => queueMicrotask(work)],
  ])('stops a slice once its time is used up, and goes on next turn: work %s counts', async (_, when) => {
    let clockMs = 0;
    const pacing = new AdmissionPacing(
      () => 5,
      () => clockMs,
    );
    const admitted: number[] = [];
    for (let i = 0; i < 4; i++)
      pacing.allowRequest(request, () =>
        when(() => {
          admitted.push(i);
          clockMs += 3; // each admission takes 3 ms here
        }),
      );
    await nextTurn();
    expect(admitted).toEqual([0, 1]);
    await nextTurn();
    expect(admitted).toEqual([0, 1, 2, 3]);
  });
});
