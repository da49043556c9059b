/**
 * Field-level deltas: what a `node.changed` / `job.changed` event carries instead of the whole node
 * or job when that is smaller (event format 2, docs/events.md). A 250-node change at 25,000
 * resources is ~85 bytes a node as a delta against ~510 as whole nodes.
 */
import {
  NODE_SUMMARY_FIELDS,
  nodeSummary,
  type Job,
  type Node,
  type NodeResource,
  type NodeSummary,
} from '@oar-live/oar-client';

/** Event format of snapshots and batches: 2 = `node.changed`/`job.changed` may be deltas. */
export const EVENT_FORMAT = 2;

/** The fields that changed: their new values (`set`) and the optional ones now left out (`unset`). */
export interface FieldDelta<T> {
  set?: Partial<T>;
  unset?: (keyof T & string)[];
}

/** A resource of the node: added (`set` holds all of it), or the fields of it that changed. */
export type ResourceDelta = FieldDelta<NodeResource> & { id: number };

/**
 * What changed on a node. Its summary fields (state, jobIds, busyCores, totalCores) are not sent:
 * they follow from its resources (`nodeSummary`, the same function that builds nodes from OAR).
 */
export interface NodeDelta extends FieldDelta<Node> {
  resources?: ResourceDelta[];
  /** Ids of the resources the node no longer has. */
  removedResources?: number[];
}

export type JobDelta = FieldDelta<Job>;

/**
 * Equality under JSON semantics: a missing property equals `undefined`, because every state the
 * differ compares may have made a round trip through Redis (JSON drops `undefined`), and
 * `util.isDeepStrictEqual` would call those different and emit spurious changes.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => sameJson(item, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key of Object.keys(left)) if (!sameJson(left[key], right[key])) return false;
  for (const key of Object.keys(right)) if (!(key in left) && right[key] !== undefined) return false;
  return true;
}

/** Names of the top-level fields whose values differ, in a stable (sorted) order. */
export function changedFields(before: object, after: object): string[] {
  const left = before as Record<string, unknown>;
  const right = after as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].filter((key) => !sameJson(left[key], right[key])).sort();
}

/** `set`/`unset` turning `before` into `after`, ignoring the `skipped` fields; undefined when equal. */
function fieldDelta<T extends object>(before: T, after: T, skipped: ReadonlySet<string>): FieldDelta<T> | undefined {
  const left = before as Record<string, unknown>;
  const right = after as Record<string, unknown>;
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    if (skipped.has(key) || sameJson(left[key], right[key])) continue;
    if (right[key] === undefined) unset.push(key);
    else set[key] = right[key];
  }
  if (unset.length === 0 && Object.keys(set).length === 0) return undefined;
  return {
    ...(Object.keys(set).length > 0 && { set: set as Partial<T> }),
    ...(unset.length > 0 && { unset: unset.sort() as (keyof T & string)[] }),
  };
}

function applyFieldDelta<T extends object>(item: T, delta: FieldDelta<T>): T {
  const result: Record<string, unknown> = { ...(item as Record<string, unknown>), ...delta.set };
  for (const key of delta.unset ?? []) delete result[key];
  return result as T;
}

const JOB_KEY: ReadonlySet<string> = new Set(['id']);
const RESOURCE_KEY: ReadonlySet<string> = new Set(['id']);
const NODE_KEY_AND_SUMMARY: ReadonlySet<string> = new Set(['name', 'resources', ...NODE_SUMMARY_FIELDS]);

/** What changed from `before` to `after` (same job id); undefined when nothing did. */
export function jobDelta(before: Job, after: Job): JobDelta | undefined {
  return fieldDelta(before, after, JOB_KEY);
}

export function applyJobDelta(job: Job, delta: JobDelta): Job {
  return applyFieldDelta(job, delta);
}

/** What changed from `before` to `after` (same node name); undefined when nothing did. */
export function nodeDelta(before: Node, after: Node): NodeDelta | undefined {
  const delta: NodeDelta = fieldDelta(before, after, NODE_KEY_AND_SUMMARY) ?? {};
  const old = new Map(before.resources.map((r) => [r.id, r]));
  const resources: ResourceDelta[] = [];
  for (const resource of after.resources) {
    const previous = old.get(resource.id);
    old.delete(resource.id);
    const change = fieldDelta(previous ?? ({} as NodeResource), resource, RESOURCE_KEY);
    if (change) resources.push({ id: resource.id, ...change });
  }
  if (resources.length > 0) delta.resources = resources;
  if (old.size > 0) delta.removedResources = [...old.keys()];
  const summaryChanged = NODE_SUMMARY_FIELDS.some((field) => !sameJson(before[field], after[field]));
  return Object.keys(delta).length > 0 || summaryChanged ? delta : undefined;
}

/** The node with `delta` applied, its summary fields recomputed from its resources. */
export function applyNodeDelta(node: Node, delta: NodeDelta): Node {
  const changes = new Map((delta.resources ?? []).map((r) => [r.id, r]));
  const removed = new Set(delta.removedResources);
  const resources: NodeResource[] = [];
  for (const resource of node.resources) {
    if (removed.has(resource.id)) continue;
    const change = changes.get(resource.id);
    changes.delete(resource.id);
    resources.push(change ? applyFieldDelta(resource, change) : resource);
  }
  if (changes.size > 0) {
    for (const { id, set } of changes.values()) resources.push({ ...set, id } as NodeResource);
    resources.sort((a, b) => a.id - b.id);
  }
  const changed: Partial<Node> = applyFieldDelta(node, { set: delta.set, unset: delta.unset });
  // The summary comes whole from the resources: a planned field the new summary lacks must go.
  for (const field of NODE_SUMMARY_FIELDS) delete changed[field];
  return { ...(changed as Omit<Node, keyof NodeSummary | 'resources'>), resources, ...nodeSummary(resources) };
}
