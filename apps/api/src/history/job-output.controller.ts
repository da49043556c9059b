import {
  Controller,
  ForbiddenException,
  Get,
  Logger,
  NotFoundException,
  Param,
  Query,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OarClient, OarHttpError, type Job } from '@oar-live/oar-client';
import { z } from 'zod';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, RolesGuard } from '../auth/guards';
import { ClusterStateService } from '../cluster/cluster-state.service';
import { ApiErrors, ApiParamsOf, ApiQueryOf, openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { jobIdParams } from '../common/job-id-params';
import { wholeNumber } from '../config/whole-number';

const outputQuery = z.strictObject({
  stream: z.enum(['stdout', 'stderr'], { message: 'must be stdout or stderr' }).default('stdout'),
  lines: wholeNumber(1, 1000, 'must be a number from 1 to 1000').default(100),
});
const outputSchema = z.strictObject({ file: z.string(), text: z.string() });

/** Where OAR wrote a job's stdout or stderr: relative names are in the job's launching directory. */
export function outputPath(job: Job, stream: 'stdout' | 'stderr'): string | undefined {
  const name = (stream === 'stdout' ? job.stdoutFile : job.stderrFile)?.replace(/%jobid%/g, String(job.id));
  if (!name) return undefined;
  return name.startsWith('/') ? name : `${(job.directory ?? '').replace(/\/+$/, '')}/${name}`;
}

/**
 * The tail of a job's output files, through OAR 2.5.9's `GET /media/<path>?tail=` (read as the job's
 * owner, who alone may ask: OAR reads the file with the owner's rights).
 */
@ApiTags('history')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/jobs')
@UseGuards(RolesGuard)
@Roles('user')
export class JobOutputController {
  private readonly logger = new Logger(JobOutputController.name);

  constructor(
    private readonly oar: OarClient,
    private readonly state: ClusterStateService,
  ) {}

  @Get(':id/output')
  @ApiOperation({ summary: "The last lines of a job's stdout or stderr file (its owner only)" })
  @ApiParamsOf(jobIdParams)
  @ApiQueryOf(outputQuery)
  @ApiOkResponse({ schema: openApiSchema(outputSchema) })
  @ApiErrors(
    [403, 'the job is another user’s'],
    [404, 'no such job, or OAR has no such file (not written yet, or removed)'],
    [503, 'OAR could not be read'],
  )
  async output(
    @Param(new ZodValidationPipe(jobIdParams)) { id }: { id: number },
    @Query(new ZodValidationPipe(outputQuery)) { stream, lines }: z.infer<typeof outputQuery>,
    @CurrentUser() user: AuthUser,
  ): Promise<{ file: string; text: string }> {
    const job =
      this.state.current().jobs.find((j) => j.id === id) ??
      (await this.fromOar(() => this.oar.jobs.get(id, { as: user.oarLogin }), `job ${id} does not exist`));
    if (job.user !== user.oarLogin)
      throw new ForbiddenException(`job ${id} is ${job.user}'s: only they may read its output`);
    const file = outputPath(job, stream);
    if (!file || !/^(\/[\w.-]+)+$/.test(file) || file.split('/').includes('..'))
      throw new NotFoundException(`job ${id} has no ${stream} file oar-live can read`);
    const text = await this.fromOar(
      () => this.oar.tailFile(file, lines, { as: user.oarLogin }),
      `${file} does not exist (yet): OAR writes it once the job starts`,
    );
    return { file, text };
  }

  /** OAR's 404 and 403 as sentences; any other failure is a 503 with a sentence (the detail is logged). */
  private async fromOar<T>(read: () => Promise<T>, notFound: string): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (err instanceof OarHttpError && err.status === 404) throw new NotFoundException(notFound);
      if (err instanceof OarHttpError && err.status === 403)
        throw new ForbiddenException('OAR may not read that file with the rights of the job owner');
      this.logger.warn(`reading from OAR for a job's output: ${(err as Error).message}`);
      throw new ServiceUnavailableException(
        'The job or its output could not be read: OAR did not answer. Try again in a moment.',
      );
    }
  }
}
