/**
 * The chaos campaign: rounds of random faults (kill -9 of the polling replica, Redis restart on its
 * AOF, Redis data loss, OAR's API stopped, the network to OAR cut) against two oar-live processes on
 * oar-sim, with Socket.IO, SSE and `watch` subscribers and a flow of submits. Reports diverged
 * clients, lost and duplicated submits (goal: 0) and the recovery time per fault kind.
 * CHAOS_ROUNDS (default 100) sets the number of rounds (about 30–75 s each on a loaded 2-core machine).
 */
import { runChaos } from '../test/support/chaos';

export async function run(): Promise<object> {
  return runChaos(Number(process.env.CHAOS_ROUNDS ?? 100), Number(process.env.CHAOS_SEED ?? 1), true);
}
