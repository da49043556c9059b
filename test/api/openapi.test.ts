import SwaggerParser from '@apidevtools/swagger-parser';
import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import Ajv from 'ajv';
import fc from 'fast-check';
import { z } from 'zod';
import { createNodesSchema } from '../../apps/api/src/operations/action-requests';
import { apiEnv, Client, startApiProcess, type ApiProcess, type UserName } from '../actions/harness';
import { textOf, valueOf, type Schema } from './openapi-arbitraries';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The OpenAPI document oar-live serves, held to the truth by a validator and by requests made from it. */
describe('OpenAPI document', () => {
  let sim: OarSim;
  let api: ApiProcess;
  let client: Client;
  let document: Document;

  beforeAll(async () => {
    sim = await startOarSim({ host: '127.0.0.1', port: 0 });
    api = await startApiProcess(apiEnv('openapi', { OAR_API_URL: sim.url, OAR_POLL_MS: '1000' }));
    client = new Client(api.url);
    document = (await client.request('GET', '/api/docs-json')).body as Document;
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await sim?.stop();
  });

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, operation]) => ({ path, method, operation })),
    );

  it('is a valid OpenAPI document', async () => {
    // Validates against the OpenAPI 3.0 schema, then checks references, parameters and paths.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('declares each parameter once, with a schema, and every path parameter', () => {
    for (const { path, method, operation } of operations()) {
      const parameters = operation.parameters ?? [];
      const keys = parameters.map((p) => `${p.in} ${p.name.toLowerCase()}`);
      expect({ path, method, keys }).toEqual({ path, method, keys: [...new Set(keys)] });
      const untyped = parameters.filter((p) => Object.keys(p.schema ?? {}).length === 0).map((p) => p.name);
      expect({ path, method, untyped }).toEqual({ path, method, untyped: [] });
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      const declared = parameters.filter((p) => p.in === 'path').map((p) => p.name);
      expect({ path, method, declared: declared.sort() }).toEqual({ path, method, declared: inPath });
    }
    expect(
      document.paths['/api/jobs/{id}'].get.parameters?.find((p) => p.in === 'path' && p.name === 'id'),
    ).toBeDefined();
  });

  it('describes request bodies with the zod schemas that validate them', () => {
    const createNodes = document.paths['/api/nodes'].post.requestBody!.content['application/json'].schema;
    expect(createNodes).toEqual(z.toJSONSchema(createNodesSchema, { target: 'openapi-3.0', io: 'input' }));
    expect(createNodes.properties!.cpus).toMatchObject({ maximum: 64 });
  });

  it('answers the small cases it documents: job ids, media type, router errors, login cache', async () => {
    for (const id of ['0x10', '1e3', '+12'])
      expect(await client.request('DELETE', `/api/jobs/${id}`, { as: 'alice' })).toMatchObject({
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message: 'id: must be a job id (a positive integer)' },
      });
    const plain = await fetch(`${api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'alice:alice-secret',
    });
    expect(plain.status).toBe(415);
    expect(document.paths['/api/auth/login'].post.responses).toHaveProperty('415');
    for (const [path, status] of [
      ['/api/nodes/%E0%A4%A', 400],
      [`/api/nodes/${'n'.repeat(101)}`, 414],
    ] as const) {
      const res = await fetch(`${api.url}${path}`);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.json()).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String) });
    }
  });

  it('answers requests generated from the document with documented statuses and bodies, never a 5xx', async () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const tokens: Record<string, string> = {};
    for (const user of ['alice', 'watcher', 'boss'] as UserName[]) tokens[user] = await client.token(user);
    const callers = fc.constantFrom<string | undefined>(undefined, 'garbage', ...Object.values(tokens));
    const stats = { requests: 0, serverErrors: 0, byStatus: {} as Record<number, number> };

    const request = fc.constantFrom(...operations()).chain(({ path, method, operation }) => {
      const parameters = operation.parameters ?? [];
      const values = Object.fromEntries(
        parameters.map((p) => [
          `${p.in}:${p.name}`,
          // An empty path segment would be another route (GET /api/jobs/ is GET /api/jobs), and so
          // would a dot segment: the URL standard resolves /api/jobs/. to /api/jobs/ before sending.
          p.in === 'path'
            ? textOf(p.schema ?? {}).filter((text) => !['', '.', '..'].includes(text))
            : p.required
              ? textOf(p.schema ?? {})
              : fc.option(textOf(p.schema ?? {}), { nil: undefined }),
        ]),
      );
      const json = operation.requestBody?.content['application/json']?.schema;
      return fc.record({
        path: fc.constant(path),
        method: fc.constant(method),
        values: fc.record(values),
        body: json ? fc.option(valueOf(json), { nil: undefined, freq: 8 }) : fc.constant(undefined),
        token: callers,
      });
    });

    await fc.assert(
      fc.asyncProperty(request, async ({ path, method, values, body, token }) => {
        const operation = document.paths[path][method];
        const url = new URL(api.url);
        url.pathname = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[`path:${name}`]!));
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(values)) {
          if (value === undefined) continue;
          const [where, name] = key.split(':');
          if (where === 'query') url.searchParams.set(name, value);
          if (where === 'header') headers[name] = value;
        }
        if (token) headers.authorization = `Bearer ${token}`;
        if (body !== undefined) headers['content-type'] = 'application/json';
        const abort = new AbortController();
        const res = await fetch(url, {
          method: method.toUpperCase(),
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: abort.signal,
        });
        stats.requests += 1;
        stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
        if (res.status >= 500) stats.serverErrors += 1;
        const type = res.headers.get('content-type') ?? '';
        const text = type.startsWith('text/event-stream') ? (abort.abort(), '') : await res.text();
        const what = `${method.toUpperCase()} ${url.pathname}${url.search} ${JSON.stringify(body)} → ${res.status} ${text.slice(0, 300)}`;
        expect({ what, serverError: res.status >= 500 }).toEqual({ what, serverError: false });
        const documented = operation.responses[String(res.status)];
        expect({ what, documented: documented !== undefined }).toEqual({ what, documented: true });
        const schema = documented.content?.['application/json']?.schema;
        if (schema && type.startsWith('application/json')) {
          const valid = ajv.validate(schema, JSON.parse(text));
          expect({ what, errors: valid ? null : ajv.errors }).toEqual({ what, errors: null });
        }
      }),
      { numRuns: 1000, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 1e9), verbose: 1 },
    );
    console.log(`OpenAPI fuzz: ${JSON.stringify(stats)}`);
    expect(stats.serverErrors).toBe(0);
  }, 600_000);
});
