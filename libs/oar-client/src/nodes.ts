import {
  compareNodeNames,
  FINAL_JOB_STATES,
  nodeSummary,
  type Job,
  type Node,
  type NodeResource,
  type Resource,
} from './model';

/** Each property with its distinct values over the resources, natural order, joined with "/" (see Node.properties). */
function nodeProperties(resources: NodeResource[]): Record<string, string> {
  const values = new Map<string, Set<string>>();
  for (const resource of resources)
    for (const [name, value] of Object.entries(resource.properties ?? {})) {
      const seen = values.get(name) ?? new Set<string>();
      seen.add(value);
      values.set(name, seen);
    }
  const properties: Record<string, string> = {};
  for (const name of [...values.keys()].sort())
    properties[name] = [...values.get(name)!].sort(compareNodeNames).join('/');
  return properties;
}

type JobsByResource = Map<number, number[]>;

function addJob(byResource: JobsByResource, resourceIds: readonly number[], jobId: number): void {
  for (const id of resourceIds) {
    const ids = byResource.get(id) ?? [];
    if (!ids.includes(jobId)) ids.push(jobId);
    byResource.set(id, ids);
  }
}

/**
 * Nodes from OAR's resource rows (one per core) and the current jobs: rows grouped by
 * `node` (network_address, not repeated in the node's resources), each resource's `jobIds` joined
 * from the unfinished jobs assigned to it and its `plannedJobIds` from the jobs only planned on it.
 * Canonical order: nodes by natural name, resources and job ids ascending.
 */
export function buildNodes(resources: readonly Resource[], jobs: readonly Job[]): Node[] {
  const assigned: JobsByResource = new Map();
  const planned: JobsByResource = new Map();
  for (const job of jobs) {
    if ((FINAL_JOB_STATES as readonly string[]).includes(job.state)) continue;
    addJob(assigned, job.resourceIds, job.id);
    addJob(planned, job.plannedResourceIds ?? [], job.id);
  }
  const byNode = new Map<string, NodeResource[]>();
  for (const { node, ...resource } of resources) {
    const row: NodeResource = { ...resource, jobIds: assigned.get(resource.id)?.sort((a, b) => a - b) ?? [] };
    const plannedJobIds = planned.get(resource.id);
    if (plannedJobIds) row.plannedJobIds = plannedJobIds.sort((a, b) => a - b);
    const rows = byNode.get(node) ?? [];
    rows.push(row);
    byNode.set(node, rows);
  }
  return [...byNode.entries()]
    .sort(([a], [b]) => compareNodeNames(a, b))
    .map(([name, rows]) => {
      rows.sort((a, b) => a.id - b.id);
      return { name, resources: rows, ...nodeSummary(rows), properties: nodeProperties(rows) };
    });
}
