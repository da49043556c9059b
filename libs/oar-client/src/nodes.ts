import {
  compareNodeNames,
  FINAL_JOB_STATES,
  nodeSummary,
  type Job,
  type Node,
  type NodeResource,
  type Resource,
} from './model';

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
      return { name, resources: rows, ...nodeSummary(rows) };
    });
}
