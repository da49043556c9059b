/**
 * The chaos campaign: rounds of random faults (kill -9 of the polling replica, Redis restart on its
 * AOF, Redis data loss, OAR's API stopped, the network to OAR cut) against two oar-live processes on
 * oar-sim, with Socket.IO, SSE and `watch` subscribers and a flow of submits. Reports diverged
 * clients, lost and duplicated submits (goal: 0) and the recovery time per fault kind.
 * CHAOS_ROUNDS (default 100) sets the number of rounds (about 5–10 s each on a shared 2-core machine),
 * CHAOS_SEED the seed of the fault timings and of which replica each submit goes to.
 */
import { runChaos } from '../test/support/chaos';

export async function run(): Promise<object> {
  return runChaos(Number(process.env.CHAOS_ROUNDS ?? 100), Number(process.env.CHAOS_SEED ?? 1), true);
}
