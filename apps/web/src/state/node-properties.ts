import type { Node } from '@oar-live/oar-client';

/** Every site property any node has, sorted: what the "group by" and "property" pickers offer. */
export function propertyNames(nodes: readonly Node[]): string[] {
  const names = new Set<string>();
  for (const node of nodes) for (const name of Object.keys(node.properties ?? {})) names.add(name);
  return [...names].sort();
}

/** The values `property` takes over the nodes, sorted (a node's mixed value "a/b" is one value). */
export function propertyValues(nodes: readonly Node[], property: string): string[] {
  const values = new Set<string>();
  for (const node of nodes) {
    const value = node.properties?.[property];
    if (value !== undefined) values.add(value);
  }
  return [...values].sort(new Intl.Collator('en', { numeric: true }).compare);
}

/** Every `name=value` a property filter can take over the nodes (what its picker offers). */
export function propertyChoices(nodes: readonly Node[]): string[] {
  return propertyNames(nodes).flatMap((name) => propertyValues(nodes, name).map((value) => `${name}=${value}`));
}

/** What a node without the property is grouped under. */
export const NO_VALUE = '(none)';

export function propertyOf(node: Node, property: string): string {
  return node.properties?.[property] ?? NO_VALUE;
}

/**
 * A property filter as written in a URL, `name=value` (`cluster=alpha`); an empty or malformed one
 * filters nothing.
 */
export function parsePropertyFilter(text: string | null): { name: string; value: string } | undefined {
  const at = text?.indexOf('=') ?? -1;
  if (!text || at < 1) return undefined;
  return { name: text.slice(0, at), value: text.slice(at + 1) };
}

export function matchesProperty(node: Node, filter: { name: string; value: string } | undefined): boolean {
  return !filter || propertyOf(node, filter.name) === filter.value;
}

/** The nodes that share one value of a property (NO_VALUE: those without it). */
export interface NodeGroup {
  value: string;
  nodes: Node[];
}

/** Nodes by the value of `property`, groups in natural value order (NO_VALUE last), nodes in their given order. */
export function groupByProperty(nodes: readonly Node[], property: string): NodeGroup[] {
  const groups = new Map<string, Node[]>();
  for (const node of nodes) {
    const value = propertyOf(node, property);
    const members = groups.get(value);
    if (members) members.push(node);
    else groups.set(value, [node]);
  }
  const collator = new Intl.Collator('en', { numeric: true });
  return [...groups.entries()]
    .sort(([a], [b]) => (a === NO_VALUE ? 1 : b === NO_VALUE ? -1 : collator.compare(a, b)))
    .map(([value, members]) => ({ value, nodes: members }));
}
