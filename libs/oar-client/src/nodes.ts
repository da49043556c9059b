import {
  compareNodeNames,
  FINAL_JOB_STATES,
  RESOURCE_STATES,
  type Job,
  type Node,
  type NodeResource,
  type Resource,
} from './model';

const stateRank = (state: string) => {
  const rank = (RESOURCE_STATES as readonly string[]).indexOf(state);
  return rank < 0 ? RESOURCE_STATES.length : rank;
};

/** One state when all resources agree, else the distinct states joined with "/" in RESOURCE_STATES order. */
function nodeState(resources: NodeResource[]): string {
  // Most nodes have every core in one state: say so without building and sorting a set.
  if (resources.every((r) => r.state === resources[0].state)) return resources[0].state;
  const states = [...new Set(resources.map((r) => r.state))];
  return states.sort((a, b) => stateRank(a) - stateRank(b) || a.localeCompare(b)).join('/');
}

/**
 * Nodes from OAR's resource rows (one per core) and the current jobs: rows grouped by
 * `node` (network_address, not repeated in the node's resources), each resource's `jobIds` joined
 * from the unfinished jobs assigned to it.
 * Canonical order: nodes by natural name, resources and job ids ascending.
 */
export function buildNodes(resources: readonly Resource[], jobs: readonly Job[]): Node[] {
  const jobsByResource = new Map<number, number[]>();
  for (const job of jobs) {
    if ((FINAL_JOB_STATES as readonly string[]).includes(job.state)) continue;
    for (const id of job.resourceIds) {
      const ids = jobsByResource.get(id) ?? [];
      if (!ids.includes(job.id)) ids.push(job.id);
      jobsByResource.set(id, ids);
    }
  }
  const byNode = new Map<string, NodeResource[]>();
  for (const { node, ...resource } of resources) {
    const jobIds = jobsByResource.get(resource.id)?.sort((a, b) => a - b) ?? [];
    const rows = byNode.get(node) ?? [];
    rows.push({ ...resource, jobIds });
    byNode.set(node, rows);
  }
  return [...byNode.entries()]
    .sort(([a], [b]) => compareNodeNames(a, b))
    .map(([name, rows]) => {
      rows.sort((a, b) => a.id - b.id);
      const busy = rows.filter((r) => r.jobIds.length > 0);
      return {
        name,
        state: nodeState(rows),
        resources: rows,
        jobIds: busy.length > 0 ? [...new Set(busy.flatMap((r) => r.jobIds))].sort((a, b) => a - b) : [],
        busyCores: busy.length,
        totalCores: rows.length,
      };
    });
}
