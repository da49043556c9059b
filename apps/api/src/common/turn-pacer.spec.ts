import { ownTurn, turnPacer } from './turn-pacer';

describe('ownTurn', () => {
  it('gives each waiting loop an event-loop turn of its own, in the order they asked', async () => {
    const log: string[] = [];
    const loop = async (name: string) => {
      for (let slice = 0; slice < 2; slice++) {
        await ownTurn();
        log.push(`${name}${slice}`);
      }
    };
    const loops = Promise.all([loop('a'), loop('b')]);
    // Queued behind the first turn: it runs in that turn's check phase, before the next turn.
    setImmediate(() => log.push('|'));
    await loops;
    expect(log).toEqual(['a0', '|', 'b0', 'a1', 'b1']);
  });
});

describe('turnPacer', () => {
  it('goes on at once while the slice has time, and waits for a turn of its own once it is used up', async () => {
    const log: string[] = [];
    const paced = async (sliceMs: number, name: string) => {
      const pace = turnPacer(sliceMs);
      for (let step = 0; step < 2; step++) {
        await pace();
        log.push(`${name}${step}`);
      }
    };
    const both = Promise.all([paced(60_000, 'long'), paced(0, 'none')]);
    setImmediate(() => log.push('|'));
    await both;
    expect(log).toEqual(['long0', 'long1', 'none0', '|', 'none1']);
  });
});
