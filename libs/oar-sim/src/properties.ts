/**
 * oarsub's `-p` property filter, a small SQL WHERE subset over resource columns:
 * `network_address='node5' AND (cpu >= 2 OR core IN (1,3))`. Hand-written because OAR hands this
 * text to PostgreSQL; the simulator only needs comparisons, IN, AND/OR/NOT and parentheses.
 */
import type { ResourceRow } from './records';
import { badResourceRequest, unknownColumn } from './resource-request';

type Value = string | number | null;
type Predicate = (r: ResourceRow) => boolean;

const COLUMNS = new Set([
  'resource_id',
  'network_address',
  'host',
  'cpu',
  'core',
  'cpuset',
  'state',
  'besteffort',
  'deploy',
  'desktop_computing',
  'drain',
  'type',
  'available_upto',
  'last_job_date',
]);

export function compileProperty(text: string): Predicate {
  const tokens = text.match(/'(?:[^']|'')*'|\d+(?:\.\d+)?|[A-Za-z_]\w*|<>|!=|<=|>=|[=<>(),]/g) ?? [];
  if (tokens.join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) throw syntax(text);
  let pos = 0;
  const peek = () => tokens[pos]?.toUpperCase();
  const next = () => tokens[pos++];

  const value = (): Value => {
    const t = next();
    if (t === undefined) throw syntax(text);
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^\d/.test(t)) return Number(t);
    throw syntax(text);
  };
  const column = (name: string): ((r: ResourceRow) => Value) => {
    if (!COLUMNS.has(name)) throw unknownColumn(name);
    if (name === 'resource_id') return (r) => r.id;
    return (r) => (r as unknown as Record<string, Value>)[name] ?? null;
  };
  const comparison = (): Predicate => {
    if (peek() === '(') {
      next();
      const inner = disjunction();
      if (next() !== ')') throw syntax(text);
      return inner;
    }
    if (peek() === 'NOT') {
      next();
      const inner = comparison();
      return (r) => !inner(r);
    }
    const name = next();
    if (name === undefined || !/^[A-Za-z_]/.test(name)) throw syntax(text);
    const get = column(name);
    const op = next()?.toUpperCase();
    if (op === 'IN') {
      if (next() !== '(') throw syntax(text);
      const values: Value[] = [value()];
      while (peek() === ',') {
        next();
        values.push(value());
      }
      if (next() !== ')') throw syntax(text);
      return (r) => values.some((v) => loose(get(r), v) === 0);
    }
    const right = value();
    const test: Record<string, (c: number) => boolean> = {
      '=': (c) => c === 0,
      '!=': (c) => c !== 0,
      '<>': (c) => c !== 0,
      '<': (c) => c < 0,
      '>': (c) => c > 0,
      '<=': (c) => c <= 0,
      '>=': (c) => c >= 0,
    };
    const accept = op === undefined ? undefined : test[op];
    if (!accept) throw syntax(text);
    return (r) => {
      const left = get(r);
      return left !== null && accept(loose(left, right));
    };
  };
  const conjunction = (): Predicate => {
    let left = comparison();
    while (peek() === 'AND') {
      next();
      const a = left;
      const b = comparison();
      left = (r) => a(r) && b(r);
    }
    return left;
  };
  const disjunction = (): Predicate => {
    let left = conjunction();
    while (peek() === 'OR') {
      next();
      const a = left;
      const b = conjunction();
      left = (r) => a(r) || b(r);
    }
    return left;
  };
  const predicate = disjunction();
  if (pos !== tokens.length) throw syntax(text);
  return predicate;
}

function loose(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const syntax = (text: string) => badResourceRequest(`syntax error at or near "${text}"`);
