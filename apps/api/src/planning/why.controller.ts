import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { explainWait, WAIT_REASON_KINDS, type WaitExplanation } from '@oar-live/shared';
import { z } from 'zod';
import { ReadGuard } from '../auth/guards';
import { ClusterStateService } from '../cluster/cluster-state.service';
import { ApiErrors, ApiParamsOf, openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { FinishedJobs } from '../live/finished-jobs';
import { jobParams } from '../live/reads.controller';

export const waitExplanationSchema = z.strictObject({
  jobId: z.number().int(),
  state: z.string(),
  waiting: z.boolean().describe('Waiting or Hold: not started yet'),
  neverStarts: z.boolean().describe('no resources of the cluster can ever take the job as it stands'),
  scheduledStart: z.string().optional().describe("OAR's predicted start (ISO)"),
  startsInSeconds: z.number().int().optional().describe('seconds until the predicted start (negative: passed)'),
  at: z.string().describe('the time the explanation is for (ISO)'),
  reasons: z.array(
    z.strictObject({
      kind: z.enum(WAIT_REASON_KINDS),
      text: z.string().describe('one plain sentence'),
      jobIds: z.array(z.number().int()).optional().describe('the jobs the reason names'),
      until: z.string().optional().describe('when the reason stops holding (ISO), when known'),
    }),
  ),
});

/** `GET /api/jobs/:id/why`: why a job is waiting, in sentences, from this process's snapshot. */
@ApiTags('cluster')
@Controller('api/jobs')
@UseGuards(ReadGuard)
@ApiErrors(401)
export class WhyController {
  constructor(
    private readonly state: ClusterStateService,
    private readonly finished: FinishedJobs,
  ) {}

  @Get(':id/why')
  @ApiParamsOf(jobParams)
  @ApiOkResponse({
    description: 'Why the job waits: its predicted start, what holds it back, whether it can ever start',
    schema: openApiSchema(waitExplanationSchema),
  })
  @ApiErrors(
    [400, 'the id is not a positive integer'],
    [404, 'OAR has no job with that id'],
    [503, 'OAR could not be read (the message says so in a sentence)'],
  )
  async why(@Param(new ZodValidationPipe(jobParams)) { id }: z.infer<typeof jobParams>): Promise<WaitExplanation> {
    const snapshot = this.state.current();
    const job = snapshot.jobs.find((j) => j.id === id) ?? (await this.finished.get(id));
    return explainWait(job, snapshot, Date.now());
  }
}
