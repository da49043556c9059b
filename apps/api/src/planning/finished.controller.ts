import { Controller, Get, Logger, Query, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OarClient, type Job } from '@oar-live/oar-client';
import { z } from 'zod';
import { ReadGuard } from '../auth/guards';
import { jobSchema } from '../common/api-responses';
import { ApiErrors, ApiQueryOf, openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';

/** The widest window one request may ask for: a week of a busy cluster's finished jobs is already thousands. */
const MAX_WINDOW_MS = 7 * 86400_000;
/** At most this many jobs in one answer (the oldest are left out). */
export const FINISHED_JOBS_MAX = 5000;

const isoTime = (what: string) =>
  z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), `must be an ISO time (${what})`)
    .transform((value) => new Date(value));

const bothDates = (from: unknown, to: unknown) => from instanceof Date && to instanceof Date;

const windowQuery = z
  .strictObject({
    from: isoTime('the start of the window').describe('ISO time: jobs that ended after it'),
    to: isoTime('the end of the window').describe('ISO time: jobs that began before it'),
  })
  // Zod still runs these when a field failed (its value then is the raw string): judge dates only.
  .refine(({ from, to }) => !bothDates(from, to) || from < to, { message: 'from must be before to', path: ['to'] })
  .refine(({ from, to }) => !bothDates(from, to) || to.getTime() - from.getTime() <= MAX_WINDOW_MS, {
    message: 'the window must be at most 7 days',
    path: ['to'],
  });

/**
 * `GET /api/gantt/finished?from=&to=`: the finished jobs of a time window, read from OAR once for the
 * Gantt's past (the live feed's `job.removed` keeps it current afterwards).
 */
@ApiTags('cluster')
@Controller('api/gantt')
@UseGuards(ReadGuard)
@ApiErrors(401)
export class FinishedController {
  private readonly logger = new Logger(FinishedController.name);

  constructor(private readonly oar: OarClient) {}

  @Get('finished')
  @ApiQueryOf(windowQuery)
  @ApiOkResponse({
    description: `Terminated and Error jobs that ran in the window, newest first (at most ${FINISHED_JOBS_MAX})`,
    schema: openApiSchema(z.array(jobSchema)),
  })
  @ApiErrors(
    [400, 'from or to is not an ISO time, or the window is empty or over 7 days'],
    [503, 'OAR could not be read'],
  )
  async finished(@Query(new ZodValidationPipe(windowQuery)) window: z.infer<typeof windowQuery>): Promise<Job[]> {
    let jobs: Job[];
    try {
      jobs = await this.oar.jobs.details({ state: ['Terminated', 'Error'], ...window });
    } catch (err) {
      this.logger.warn(`reading finished jobs from OAR: ${(err as Error).message}`);
      throw new ServiceUnavailableException(
        'The finished jobs could not be read: OAR did not answer. Try again in a moment.',
      );
    }
    return jobs
      .filter((job) => job.startedAt)
      .sort((a, b) => b.id - a.id)
      .slice(0, FINISHED_JOBS_MAX);
  }
}
