import { FAULT_KINDS, runChaos } from '../support/chaos';

/**
 * The short form of the chaos campaign that `npm run bench -- chaos` runs for 100 rounds: two
 * oar-live processes (their build, as `npm start` runs it) on a real redis-server, with Socket.IO,
 * SSE and `watch` subscribers on each and submits flowing, through each fault kind twice.
 *
 * OAR is oar-sim, not the shared sandbox: the campaign stops OAR's API and cuts the network to it
 * (through a proxy of its own) and counts the OAR jobs made for each submit by name, and its jobs
 * must start and end within a round (oar-sim runs `sleep 3` in 3 s; the sandbox's scheduler takes
 * seconds to start each job, and other tests' jobs share it).
 */
describe('chaos campaign, short form', () => {
  it('12 rounds of faults: every client equals the server after each, every accepted submit is exactly one OAR job', async () => {
    const report = await runChaos(12, 7);
    expect(report).toMatchObject({
      rounds: 12,
      divergedClients: 0,
      crashedReplicas: 0,
      acceptedMutations: 24,
      lostMutations: 0,
      duplicatedMutations: 0,
    });
    for (const kind of FAULT_KINDS) expect(report.recoveryMs[kind]?.count).toBe(2);
    // After each fault between oar-live and OAR (a half-open connection too), OAR is read again.
    for (const kind of ['oar-stopped', 'network-cut', 'network-blackhole'])
      expect(report.oarReadAgainMs[kind]?.count).toBe(2);
  }, 400_000);
});
