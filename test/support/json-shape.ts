/**
 * Compares two JSON documents by shape, not by value: the same keys at every level (recursively)
 * and the same value types (string, number, boolean, null, object, array). Array elements are
 * compared as one merged shape, and only when both arrays have elements (an empty list has no
 * element shape to compare). Used to hold oar-sim's answers against real OAR's.
 */

export type Shape = string | { [key: string]: Shape } | { '[]': Shape | null };

function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const items = value.map(shapeOf);
    return { '[]': items.length === 0 ? null : items.reduce(mergeShapes) };
  }
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, shapeOf((value as Record<string, unknown>)[k])]),
    );
  }
  return typeof value;
}

function mergeShapes(a: Shape, b: Shape): Shape {
  if (typeof a === 'string' || typeof b === 'string')
    return a === b ? a : `${a}|${b}`.split('|').sort().filter(unique).join('|');
  if ('[]' in a && '[]' in b) {
    const x = a['[]'] as Shape | null;
    const y = b['[]'] as Shape | null;
    return { '[]': x === null ? y : y === null ? x : mergeShapes(x, y) };
  }
  const merged: Record<string, Shape> = { ...(a as Record<string, Shape>) };
  for (const [k, v] of Object.entries(b as Record<string, Shape>))
    merged[k] = k in merged ? mergeShapes(merged[k], v) : v;
  return merged;
}

function unique(value: string, index: number, all: string[]): boolean {
  return all.indexOf(value) === index;
}

export interface ShapeOptions {
  /** Key paths (like `items[].walltime`) whose value may be null on one side and typed on the other. */
  nullable?: string[];
}

/** Differences between two shapes, as readable lines (empty = same shape). */
export function shapeDiff(expected: unknown, actual: unknown, options: ShapeOptions = {}): string[] {
  const out: string[] = [];
  compare(shapeOf(expected), shapeOf(actual), '', options, out);
  return out;
}

function compare(a: Shape, b: Shape, path: string, options: ShapeOptions, out: string[]): void {
  if (typeof a === 'string' || typeof b === 'string') {
    if (a === b) return;
    const withoutNull = (shape: Shape) =>
      typeof shape === 'string'
        ? shape
            .split('|')
            .filter((t) => t !== 'null')
            .join('|')
        : describe(shape);
    const [x, y] = [withoutNull(a), withoutNull(b)];
    const nullable = options.nullable?.includes(path) && (x === y || x === '' || y === '');
    if (!nullable) out.push(`${path || '(root)'}: ${describe(a)} vs ${describe(b)}`);
    return;
  }
  const aList = '[]' in a;
  const bList = '[]' in b;
  if (aList !== bList) {
    out.push(`${path || '(root)'}: ${describe(a)} vs ${describe(b)}`);
    return;
  }
  if (aList && bList) {
    const x = a['[]'] as Shape | null;
    const y = b['[]'] as Shape | null;
    if (x !== null && y !== null) compare(x, y, `${path}[]`, options, out);
    return;
  }
  const left = a as Record<string, Shape>;
  const right = b as Record<string, Shape>;
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    const where = path ? `${path}.${key}` : key;
    if (!(key in right)) out.push(`${where}: only in the first`);
    else if (!(key in left)) out.push(`${where}: only in the second`);
    else compare(left[key], right[key], where, options, out);
  }
}

function describe(shape: Shape): string {
  return typeof shape === 'string' ? shape : '[]' in shape ? 'array' : 'object';
}
