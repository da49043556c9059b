import type { SimClock } from '../clock';
import type { Cluster } from '../cluster';
import type { CostModel } from '../cost-model';
import type { Renderer } from '../render';
import type { Scheduler } from '../scheduler';

/** What route handlers work on. */
export interface SimApi {
  clock: SimClock;
  cluster: Cluster;
  scheduler: Scheduler;
  renderer: Renderer;
  costs: CostModel;
}
