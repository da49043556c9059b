import { z } from 'zod';

/** `/…/:id` of a job: a positive integer, as OAR numbers jobs. */
export const jobIdParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, 'must be a job id (a positive integer)')
    .transform(Number),
});
