import { OPERATION_STATES } from '@oar-live/shared';
import { z } from 'zod';

/**
 * The documented shapes of successful answers, for the OpenAPI document (and the fuzz test that
 * holds the API to it). Objects stay open (`looseObject`): a field added later is not a break.
 */
const operationError = z.looseObject({ status: z.number().int().optional(), message: z.string() });

export const operationSchema = z.looseObject({
  id: z.string(),
  kind: z.string(),
  state: z.enum(OPERATION_STATES),
  user: z.string(),
  input: z.looseObject({}),
  attempts: z.number().int(),
  result: z.looseObject({}).optional(),
  error: operationError.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  targets: z.array(z.string()),
  results: z
    .array(
      z.looseObject({
        target: z.string(),
        ok: z.boolean(),
        result: z.looseObject({}).optional(),
        error: operationError.optional(),
      }),
    )
    .optional(),
  history: z
    .array(z.looseObject({ at: z.string(), state: z.enum(OPERATION_STATES), attempts: z.number().int() }))
    .optional(),
});

export const operationAnswerSchema = z.strictObject({ operation: operationSchema });

export const nodeSchema = z.looseObject({
  name: z.string(),
  state: z.string(),
  resources: z.array(z.looseObject({ id: z.number().int(), state: z.string() })),
  jobIds: z.array(z.number().int()),
  properties: z.record(z.string(), z.string()).describe("the site's own resource properties (cluster, switch …)"),
});

export const jobSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().nullable(),
  user: z.string(),
  queue: z.string(),
  state: z.string(),
  command: z.string(),
  submittedAt: z.string(),
  nodes: z.array(z.string()),
  resourceIds: z.array(z.number().int()),
});

export const snapshotSchema = z.looseObject({
  seq: z.number().int(),
  at: z.string(),
  source: z.looseObject({ status: z.string() }),
  nodes: z.array(nodeSchema),
  jobs: z.array(jobSchema),
});
