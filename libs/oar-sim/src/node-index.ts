/** Resources grouped by node (cached until resources are added or removed), with per-node counts. */
import type { Cluster } from './cluster';
import { groupByNode } from './placement';
import type { ResourceRow } from './records';

export interface NodeLayout {
  rev: number;
  members: ResourceRow[][];
  /** Resource id → index of its node in `members`. */
  nodeOf: Map<number, number>;
}

export class NodeIndex {
  private cached: NodeLayout | undefined;
  private notDead: { rev: number; counts: number[] } | undefined;

  constructor(private readonly cluster: Cluster) {}

  layout(): NodeLayout {
    if (this.cached?.rev !== this.cluster.layoutRev) {
      const members = groupByNode(this.cluster.resources);
      const nodeOf = new Map<number, number>();
      members.forEach((m, index) => m.forEach((r) => nodeOf.set(r.id, index)));
      this.cached = { rev: this.cluster.layoutRev, members, nodeOf };
      this.notDead = undefined;
    }
    return this.cached;
  }

  /** How many resources of each node pass `test`. */
  count(test: (r: ResourceRow) => boolean): number[] {
    return this.layout().members.map((members) => members.reduce((n, r) => n + (test(r) ? 1 : 0), 0));
  }

  /** Resources per node that are not Dead (what oarsub checks a request against). */
  schedulable(): number[] {
    this.layout();
    if (this.notDead?.rev !== this.cluster.stateRev)
      this.notDead = { rev: this.cluster.stateRev, counts: this.count((r) => r.state !== 'Dead') };
    return this.notDead.counts;
  }
}
