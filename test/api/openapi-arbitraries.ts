import fc from 'fast-check';

/** The part of an OpenAPI 3.0 schema object this document uses. */
export interface Schema {
  type?: string;
  enum?: unknown[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  format?: string;
}

/** Anything JSON: what a careless or hostile client sends instead. */
const anyJson = fc.jsonValue({ maxDepth: 3 });

/**
 * Values for a schema: mostly ones it allows (so requests get past validation and reach the
 * handlers), sometimes anything at all (so the validation itself is tried). Written here because the
 * maintained generators start from JSON Schema drafts or zod, not from an OpenAPI 3.0 document.
 */
export function valueOf(schema: Schema): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: allowedValueOf(schema) }, { weight: 1, arbitrary: anyJson });
}

function allowedValueOf(schema: Schema): fc.Arbitrary<unknown> {
  const value = plainValueOf(schema);
  return schema.nullable ? fc.option(value, { nil: null }) : value;
}

function plainValueOf(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map(allowedValueOf));
  switch (schema.type) {
    case 'string':
      return stringOf(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(allowedValueOf(schema.items ?? {}), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 5),
      });
    case 'object':
      return objectOf(schema);
    default:
      return anyJson;
  }
}

function stringOf(schema: Schema): fc.Arbitrary<string> {
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
}

function objectOf(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const fields = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, valueOf(property)]));
  const known = fc.record(fields, { requiredKeys: [...required].filter((name) => name in fields) });
  if (schema.additionalProperties === false || Object.keys(properties).length > 0) return known;
  const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
  return fc.dictionary(fc.string({ maxLength: 12 }), allowedValueOf(extra), { maxKeys: 3 });
}

/** A query or path value: the allowed value as text, or any text. */
export function textOf(schema: Schema): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: allowedValueOf(schema).map((value) => (typeof value === 'string' ? value : String(value))),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  );
}
