import {
  buildNode,
  compareNodeNames,
  groupByNode,
  jobsOnResources,
  type Job,
  type JobsOnResources,
  type Node,
  type Resource,
} from '@oar-live/oar-client';
import { turnPacer } from '../common/turn-pacer';

/** Whether the node's resources hold exactly the jobs `on` gives them. */
function sameJobs(node: Node, on: JobsOnResources): boolean {
  const same = (a: readonly number[] | undefined, b: readonly number[] | undefined) =>
    (a?.length ?? 0) === (b?.length ?? 0) && (a ?? []).every((id, i) => id === b![i]);
  return node.resources.every(
    (resource) =>
      same(resource.jobIds, on.assigned.get(resource.id)) &&
      (resource.plannedJobIds === undefined) === !on.planned.has(resource.id) &&
      same(resource.plannedJobIds, on.planned.get(resource.id)),
  );
}

const sameRows = (a: readonly Resource[], b: readonly Resource[]) =>
  a.length === b.length && a.every((row, i) => row === b[i]);

/**
 * buildNodes for a reader that builds the nodes every poll: a node whose resource rows are the very
 * rows of the last build and whose resources hold the same jobs is the Node built last time. A poll
 * in which 250 of 5,000 nodes changed builds 250 nodes (building 25,000 resources' nodes held the
 * event loop 100–200 ms on 2 busy cores), the differ sees the others unchanged at a glance (the same
 * object), and the work gives the event loop a turn every slice.
 */
export class NodeBuilder {
  private built = new Map<string, { rows: readonly Resource[]; node: Node }>();

  async build(resources: readonly Resource[], jobs: readonly Job[]): Promise<Node[]> {
    const pace = turnPacer();
    const on = jobsOnResources(jobs);
    const built = new Map<string, { rows: readonly Resource[]; node: Node }>();
    const nodes: Node[] = [];
    for (const [name, rows] of groupByNode(resources)) {
      const last = this.built.get(name);
      const node = last && sameRows(last.rows, rows) && sameJobs(last.node, on) ? last.node : buildNode(name, rows, on);
      built.set(name, { rows, node });
      nodes.push(node);
      await pace();
    }
    this.built = built;
    return nodes.sort((a, b) => compareNodeNames(a.name, b.name));
  }
}
