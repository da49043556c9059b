import { SETTABLE_RESOURCE_STATES } from '@oar-live/oar-client';
import {
  JOB_ACTIONS,
  NODE_ACTIONS,
  OPERATION_KINDS,
  OPERATION_STATES,
  type CreateNodesRequest,
  type JobActionsRequest,
  type NodeActionsRequest,
  type NodeStateRequest,
} from '@oar-live/shared';
import { z } from 'zod';

const NODE_NAME = /^[A-Za-z0-9][\w.-]{0,62}$/;
const nodeName = z.string().regex(NODE_NAME, 'must be a node name (letters, digits, ".", "-", "_"; 63 at most)');
/** Columns OAR manages itself or that oar-live sets from the request: not settable as properties. */
const RESERVED_PROPERTIES = new Set([
  'resource_id',
  'network_address',
  'host',
  'cpu',
  'core',
  'cpuset',
  'state',
  'next_state',
  'finaud_decision',
  'next_finaud_decision',
  'state_num',
  'suspended_jobs',
  'scheduler_priority',
  'last_job_date',
  'available_upto',
  'last_available_upto',
  'drain',
  'type',
]);

const jobIds = z
  .array(
    z
      .number({ message: 'must be job ids (positive integers)' })
      .int('must be whole numbers')
      .positive('must be positive'),
    {
      message: 'must be a list of job ids',
    },
  )
  .min(1, 'must list at least one job id')
  .max(1000, 'must list at most 1000 job ids')
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a job id');

const nodeNames = z
  .array(nodeName, { message: 'must be a list of node names' })
  .min(1, 'must list at least one node')
  .max(1000, 'must list at most 1000 nodes')
  .refine((names) => new Set(names).size === names.length, 'must not repeat a node name');

export const jobActionsSchema = z
  .object({ action: z.enum(JOB_ACTIONS, { message: 'must be cancel, hold or resume' }), ids: jobIds })
  .strict();

export const createNodesSchema = z
  .object({
    count: z
      .number({ message: 'must be a number from 1 to 1000' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(1000, 'must be at most 1000'),
    prefix: z
      .string()
      .regex(/^[A-Za-z][\w.-]{0,39}$/, 'must start with a letter, then letters, digits, ".", "-", "_" (40 at most)')
      .default('node'),
    names: nodeNames.optional(),
    cpus: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(64, 'must be at most 64')
      .default(1),
    coresPerCpu: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(256, 'must be at most 256')
      .default(1),
    properties: z
      .record(
        z.string(),
        z.union([z.string().max(255, 'must be at most 255 characters'), z.number()], {
          message: 'must be strings or numbers',
        }),
      )
      // Keys checked here (not in the record's key schema) so the message names the property.
      .superRefine((properties, ctx) => {
        for (const name of Object.keys(properties)) {
          if (!/^[a-z_]\w{0,62}$/.test(name)) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: 'must be a property name (lower case letters, digits, _)',
            });
          } else if (RESERVED_PROPERTIES.has(name)) {
            ctx.addIssue({ code: 'custom', path: [name], message: 'is set by OAR or oar-live and cannot be given' });
          }
        }
      })
      .optional(),
  })
  .strict()
  .refine((body) => !body.names || body.names.length === body.count, {
    message: 'must list exactly `count` names',
    path: ['names'],
  })
  .refine((body) => body.count * body.cpus * body.coresPerCpu <= 10_000, {
    message: 'count × cpus × coresPerCpu must be at most 10000 resources',
    path: ['count'],
  });

export const nodeStateSchema = z
  .object({
    state: z.enum(SETTABLE_RESOURCE_STATES, { message: `must be one of ${SETTABLE_RESOURCE_STATES.join(', ')}` }),
    reason: z.string().max(200, 'must be at most 200 characters').optional(),
  })
  .strict();

export const nodeActionsSchema = z
  .object({
    action: z.enum(NODE_ACTIONS, { message: 'must be alive, absent, dead or delete' }),
    names: nodeNames,
    reason: z.string().max(200, 'must be at most 200 characters').optional(),
    force: z.boolean({ message: 'must be true or false' }).default(false),
  })
  .strict();

export const nodeNameParam = nodeName;

/** Decimal digits only: Number() would also read 0x10, 1e3 and +12 as ids. */
export { jobIdParams } from '../common/job-id-params';

export const operationsQuerySchema = z
  .object({
    user: z.string().max(64).optional(),
    kind: z.enum(OPERATION_KINDS, { message: `must be one of ${OPERATION_KINDS.join(', ')}` }).optional(),
    state: z.enum(OPERATION_STATES, { message: `must be one of ${OPERATION_STATES.join(', ')}` }).optional(),
    target: z
      .string()
      .regex(/^[\w.-]{1,255}$/, 'must be a job id or a node name')
      .optional()
      .describe('only operations acting on this job id or node name'),
    limit: z.coerce.number({ message: 'must be a number from 1 to 1000' }).int().min(1).max(1000).default(100),
  })
  .strict();

export const forceQuerySchema = z
  .object({ force: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false') })
  .strict();

/** The web client's request types (libs/shared) are exactly what these schemas accept: tsc fails otherwise. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type RequestTypesMatchSchemas = [
  Holds<Same<z.input<typeof jobActionsSchema>, JobActionsRequest>>,
  Holds<Same<z.input<typeof nodeActionsSchema>, NodeActionsRequest>>,
  Holds<Same<z.input<typeof createNodesSchema>, CreateNodesRequest>>,
  Holds<Same<z.input<typeof nodeStateSchema>, NodeStateRequest>>,
];
