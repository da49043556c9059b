/**
 * The chaos campaign: rounds of random faults (kill -9 of the polling replica, Redis restart on its
 * AOF, Redis data loss, OAR's API stopped, the network to OAR cut) against two oar-live processes on
 * oar-sim, with Socket.IO, SSE and `watch` subscribers and a flow of submits. Reports diverged
 * clients, lost and duplicated submits (goal: 0) and the recovery time per fault kind.
 * CHAOS_ROUNDS (default 100) sets the number of rounds (about 5–10 s each on a shared 2-core machine),
 * CHAOS_SEED the seed of the fault timings and of which replica each submit goes to, CHAOS_KINDS
 * (comma-separated, default all) the fault kinds the rounds cycle through.
 */
import { FAULT_KINDS, runChaos, type FaultKind } from '../test/support/chaos';

export async function run(): Promise<object> {
  const kinds = (process.env.CHAOS_KINDS?.split(',') ?? FAULT_KINDS) as FaultKind[];
  const unknown = kinds.filter((kind) => !FAULT_KINDS.includes(kind));
  if (unknown.length > 0) throw new Error(`CHAOS_KINDS: unknown fault kinds ${unknown.join(', ')}`);
  return runChaos(Number(process.env.CHAOS_ROUNDS ?? 100), Number(process.env.CHAOS_SEED ?? 1), true, kinds);
}
