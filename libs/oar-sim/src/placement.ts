/**
 * Chooses resources for a request the way OAR's hierarchy works: `/nodes=2/core=1` = two nodes,
 * one core in each; the innermost level named takes every resource below it (so `/nodes=1` is a
 * whole node, and all of it must be usable). First fit in resource-id order.
 */
import type { ResourceRow } from './records';
import type { Level, ResourceGroup } from './resource-request';

export interface PlacementQuery {
  groups: ResourceGroup[];
  /** Resources in id order. */
  resources: readonly ResourceRow[];
  usable: (r: ResourceRow) => boolean;
  matches?: (r: ResourceRow) => boolean;
}

export function place(query: PlacementQuery): number[] | null {
  const taken = new Set<number>();
  const usable = (r: ResourceRow) => !taken.has(r.id) && query.usable(r);
  const candidates = query.matches ? query.resources.filter(query.matches) : query.resources;
  const chosen: number[] = [];
  for (const group of query.groups) {
    const ids = pick(candidates, group, usable);
    if (!ids) return null;
    for (const id of ids) taken.add(id);
    chosen.push(...ids);
  }
  return chosen;
}

function pick(
  resources: readonly ResourceRow[],
  levels: ResourceGroup,
  usable: (r: ResourceRow) => boolean,
): number[] | null {
  if (resources.length === 0) return null;
  if (levels.length === 0) return resources.every(usable) ? resources.map((r) => r.id) : null;
  const [{ level, count }, ...inner] = levels;
  const chosen: number[] = [];
  let found = 0;
  for (const members of groupBy(resources, level)) {
    const ids = pick(members, inner, usable);
    if (ids) {
      chosen.push(...ids);
      found++;
      if (count !== 'ALL' && found === count) return chosen;
    } else if (count === 'ALL') {
      return null;
    }
  }
  return count === 'ALL' && found > 0 ? chosen : null;
}

function groupBy(resources: readonly ResourceRow[], level: Level): ResourceRow[][] {
  if (level === 'resource_id') return resources.map((r) => [r]);
  const groups = new Map<string, ResourceRow[]>();
  for (const r of resources) {
    const key = keyOf(r, level);
    const members = groups.get(key);
    if (members) members.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

function keyOf(r: ResourceRow, level: Exclude<Level, 'resource_id'>): string {
  switch (level) {
    case 'network_address':
      return r.network_address;
    case 'host':
      return r.host ?? r.network_address;
    case 'cpu':
      return `${r.network_address}\u0000${r.cpu}`;
    case 'core':
      return `${r.network_address}\u0000${r.cpu}\u0000${r.core}`;
  }
}
