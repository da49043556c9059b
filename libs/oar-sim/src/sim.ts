/** startOarSim: an OAR 2.5.9 REST API on a loopback port, backed by a simulated cluster. */
import type { AddressInfo } from 'node:net';
import { SimClock } from './clock';
import { Cluster } from './cluster';
import { NO_COSTS, type CostModel } from './cost-model';
import { ApiServer, type RequestFilter } from './http/server';
import { Renderer } from './render';
import { OAR_CADENCE, Scheduler } from './scheduler';
import { Timeline } from './timeline';
import { Workload, type WorkloadOptions } from './workload';
import { seedFinishedJobs } from './history';

export interface OarSimOptions {
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  nodes?: number;
  coresPerNode?: number;
  cpusPerNode?: number;
  /** Split the nodes in this many groups with the site property `cluster` (default 0: no site property, as the sandbox). */
  clusters?: number;
  /** Simulated seconds per real second (default 1: OAR's own pace). */
  timeFactor?: number;
  /** Run time of commands the simulator cannot interpret (simulated seconds, default 60). */
  defaultRunSeconds?: number;
  workload?: WorkloadOptions;
  /** How long answers take (cost-model.ts): NO_COSTS (default) or MEASURED_COSTS, the real OAR's. */
  costs?: CostModel;
  /** Jobs that ended before the start, for history reads (default 0; see seedFinishedJobs). */
  finishedJobs?: number;
  /** Seconds between the ends of those jobs (default 30). */
  historySpacingSeconds?: number;
}

export interface OarSim {
  /** e.g. http://127.0.0.1:6670/oarapi (Basic auth: the same root with -priv). */
  url: string;
  requestCount(filter?: RequestFilter): number;
  stop(): Promise<void>;
}

export async function startOarSim(options: OarSimOptions = {}): Promise<OarSim> {
  const host = options.host ?? '127.0.0.1';
  const nodes = options.nodes ?? 4;
  const coresPerNode = options.coresPerNode ?? 2;
  const clock = new SimClock(options.timeFactor ?? 1);
  const timeline = new Timeline(clock);
  const cluster = new Cluster(clock);
  cluster.addNodes(nodes, coresPerNode, options.cpusPerNode ?? 1, 'node', 1, options.clusters ?? 0);
  if (options.finishedJobs) seedFinishedJobs(cluster, options.finishedJobs, options.historySpacingSeconds);
  const scheduler = new Scheduler(cluster, timeline, OAR_CADENCE, options.defaultRunSeconds ?? 60);
  const api = new ApiServer({
    clock,
    cluster,
    scheduler,
    renderer: new Renderer(cluster),
    costs: options.costs ?? NO_COSTS,
  });
  const workload = options.workload
    ? new Workload(scheduler, timeline, options.workload, { nodes, coresPerNode }, () => cluster.unfinished.size)
    : undefined;

  await new Promise<void>((resolve, reject) => {
    api.server.once('error', reject);
    api.server.listen(options.port ?? 0, host, () => resolve());
  });
  workload?.start();
  const { port } = api.server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/oarapi`,
    requestCount: (filter) => api.requestCount(filter),
    stop: async () => {
      workload?.stop();
      timeline.stop();
      await new Promise<void>((resolve) => {
        api.server.close(() => resolve());
        api.server.closeAllConnections();
      });
    },
  };
}
