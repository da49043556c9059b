import { FINAL_JOB_STATES } from '@oar-live/oar-client';
import { z } from 'zod';
import { wholeNumber } from '../config/whole-number';

/** The widest window one request may search: bounds what one read costs OAR. */
export const MAX_WINDOW_DAYS = 31;
const DAY_MS = 86_400_000;

const isoDate = (what: string) =>
  z.iso
    .datetime({ offset: true, message: `must be an ISO date and time (e.g. 2026-12-01T00:00:00Z), the ${what}` })
    .optional();

const windowFields = {
  from: isoDate('start of the window').describe('start of the window (ISO); default: 24 hours before `to`'),
  to: isoDate('end of the window').describe('end of the window (ISO); default: now'),
};

/** Without `to`, the window ends at the next multiple of this: views of "until now" share one OAR read. */
export const NOW_STEP_MS = 30_000;

/**
 * from/to as Dates. No `to`: now, rounded up to NOW_STEP_MS (a window reaching a little into the
 * future misses no job that just ended, and stays the same, so cached, for that long).
 */
export function windowOf(query: { from?: string; to?: string }, now = Date.now()): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : new Date(Math.ceil(now / NOW_STEP_MS) * NOW_STEP_MS);
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DAY_MS);
  return { from, to };
}

const checkWindow = (query: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  const { from, to } = windowOf(query);
  for (const [key, date] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (!(date.getTime() >= 0)) ctx.addIssue({ code: 'custom', path: [key], message: 'must be a date after 1970' });
  if (!(from.getTime() >= 0 && to.getTime() >= 0)) return;
  if (from.getTime() >= to.getTime()) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
  else if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS)
    ctx.addIssue({ code: 'custom', path: ['from'], message: `must be at most ${MAX_WINDOW_DAYS} days before to` });
};

const login = z
  .string()
  .regex(/^[\w.-]{1,64}$/, 'must be a login')
  .optional();

export const historyQuerySchema = z
  .strictObject({
    ...windowFields,
    user: login.describe("only this login's jobs"),
    queue: z
      .string()
      .regex(/^[\w.-]{1,100}$/, 'must be a queue name')
      .optional()
      .describe('only jobs of this queue'),
    state: z
      .enum(FINAL_JOB_STATES as ['Terminated', 'Error'], { message: 'must be Terminated or Error' })
      .optional()
      .describe('only jobs that ended in this state'),
    name: z.string().max(200, 'must be at most 200 characters').optional().describe('part of the job name'),
    limit: wholeNumber(1, 500, 'must be a number from 1 to 500').default(50),
    offset: z.coerce
      .number({ message: 'must be a whole number, 0 or more' })
      .int('must be a whole number, 0 or more')
      .min(0, 'must be a whole number, 0 or more')
      .max(1_000_000, 'must be at most 1000000')
      .default(0),
  })
  .superRefine(checkWindow);

export const summaryQuerySchema = z.strictObject(windowFields).superRefine(checkWindow);

export const nodeNameParams = z.object({
  name: z.string().regex(/^[\w.-]{1,255}$/, 'must be a node name (letters, digits, _ . -)'),
});
