/**
 * oarsub's `-p` property filter, a small SQL WHERE subset over resource columns:
 * `network_address='node5' AND (cpu >= 2 OR core IN (1,3))`. Hand-written because OAR hands this
 * text to PostgreSQL; the simulator only needs comparisons, IN, AND/OR/NOT and parentheses.
 */
import { SETTABLE_COLUMNS } from './cluster';
import type { ResourceRow } from './records';
import { badResourceRequest, unknownColumn } from './resource-request';

type Value = string | number | null;
type Predicate = (r: ResourceRow) => boolean;

/** Columns a filter may name: the settable ones and the system ones worth filtering on. */
const COLUMNS: ReadonlySet<string> = new Set(['resource_id', 'state', 'last_job_date', ...SETTABLE_COLUMNS]);

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
  /** `operand (WORD operand)*`, folded left with `combine`. */
  const chain =
    (word: string, operand: () => Predicate, combine: (a: boolean, b: () => boolean) => boolean) => (): Predicate => {
      let left = operand();
      while (peek() === word) {
        next();
        const [a, b] = [left, operand()];
        left = (r) => combine(a(r), () => b(r));
      }
      return left;
    };
  const conjunction = chain('AND', comparison, (a, b) => a && b());
  const disjunction: () => Predicate = chain('OR', conjunction, (a, b) => a || b());
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
