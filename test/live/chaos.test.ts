import { runChaos } from '../support/chaos';

/** The short form of the chaos campaign (`npm run bench -- chaos` runs the long one). */
describe('chaos campaign (short form)', () => {
  it('keeps every client equal to the server and every accepted submit exactly once through 10 rounds of faults', async () => {
    const report = await runChaos(10, 7);
    expect(report).toMatchObject({ rounds: 10, divergedClients: 0, lostMutations: 0, duplicatedMutations: 0 });
    expect(report.acceptedMutations).toBe(20);
  }, 900_000);
});
