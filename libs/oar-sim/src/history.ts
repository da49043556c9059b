import type { Cluster } from './cluster';
import { NodeIndex } from './node-index';
import { oarsub } from './oarsub';

const USERS = ['alice', 'bob'];
const QUEUES = ['default', 'besteffort'];

/**
 * Fills the cluster with `count` jobs that ran and ended before the simulation starts, one every
 * `spacingSeconds`, the last one ending now: a past for history reads (GET /jobs?state=Terminated,Error
 * &from=&to=) without simulating it. Each is made by oarsub like any job, then given a past run:
 * every 10th ends in Error (exit code 1 << 8), the others Terminated with 0.
 */
export function seedFinishedJobs(cluster: Cluster, count: number, spacingSeconds = 30): void {
  const nodes = new NodeIndex(cluster);
  const now = cluster.clock.epoch();
  for (let i = 0; i < count; i++) {
    const owner = USERS[i % USERS.length];
    const { job } = oarsub(
      cluster,
      nodes,
      {
        owner,
        command: `sleep ${60 + (i % 7) * 30}`,
        name: `past-${i + 1}`,
        queue: QUEUES[i % 3 === 2 ? 1 : 0],
        resource: '/nodes=1/core=1,walltime=01:00:00',
        initialRequest: `oarsub -l /nodes=1/core=1,walltime=01:00:00 sleep ${60 + (i % 7) * 30}`,
      },
      60,
    );
    const stop = now - (count - 1 - i) * spacingSeconds;
    const failed = i % 10 === 9;
    Object.assign(job, {
      state: failed ? 'Error' : 'Terminated',
      submissionTime: stop - 120 - (i % 7) * 30,
      startTime: stop - 60 - (i % 7) * 30,
      stopTime: stop,
      walltime: 3600,
      exitCode: failed ? 256 : 0,
      message: failed ? 'Job exited with a non-zero status' : '',
    });
    cluster.release(job);
  }
}
