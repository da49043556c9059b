import type { Job, Node } from '@oar-live/oar-client';

export interface ClusterSummary {
  nodesByState: Record<string, number>;
  cores: { total: number; busy: number; planned: number; free: number; unavailable: number };
  jobsByState: Record<string, number>;
  jobsByQueue: Record<string, number>;
}

/**
 * Counts for the dashboard and the wall. Busy = assigned to a job; planned = idle but promised to a
 * Waiting job in OAR's Gantt; free = an Alive core with neither; unavailable = not Alive.
 */
export function summarize(nodes: readonly Node[], jobs: readonly Job[]): ClusterSummary {
  const summary: ClusterSummary = {
    nodesByState: {},
    cores: { total: 0, busy: 0, planned: 0, free: 0, unavailable: 0 },
    jobsByState: {},
    jobsByQueue: {},
  };
  for (const node of nodes) {
    summary.nodesByState[node.state] = (summary.nodesByState[node.state] ?? 0) + 1;
    for (const resource of node.resources) {
      summary.cores.total++;
      if (resource.jobIds.length > 0) summary.cores.busy++;
      else if (resource.plannedJobIds && resource.state === 'Alive') summary.cores.planned++;
      else if (resource.state === 'Alive') summary.cores.free++;
      else summary.cores.unavailable++;
    }
  }
  for (const job of jobs) {
    summary.jobsByState[job.state] = (summary.jobsByState[job.state] ?? 0) + 1;
    summary.jobsByQueue[job.queue] = (summary.jobsByQueue[job.queue] ?? 0) + 1;
  }
  return summary;
}

export const RUNNING_STATES = new Set(['toLaunch', 'Launching', 'Running', 'Finishing', 'Resuming']);
export const WAITING_STATES = new Set(['Hold', 'Waiting', 'toAckReservation']);
