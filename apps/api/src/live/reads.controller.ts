import { Controller, Get, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { JOB_STATES, RESOURCE_STATES, type Job, type Node } from '@oar-live/oar-client';
import type { Snapshot } from '@oar-live/shared';
import { z } from 'zod';
import { ReadGuard } from '../auth/guards';
import { ClusterStateService } from '../cluster/cluster-state.service';
import { jobSchema, nodeSchema, snapshotSchema } from '../common/api-responses';
import { ApiErrors, ApiParamsOf, ApiQueryOf, openApiSchema } from '../common/openapi';
import { FinishedJobs } from './finished-jobs';
import { ZodValidationPipe } from '../common/zod-validation.pipe';

/** `a,b` → ['a','b'], each checked against `allowed`. */
const stateList = (allowed: readonly string[]) =>
  z
    .string()
    .transform((value) => value.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(allowed as [string, ...string[]], { message: `must be one of ${allowed.join(', ')}` })));

const nodeQuery = z.strictObject({
  state: stateList(RESOURCE_STATES)
    .optional()
    .describe(`comma-separated resource states (${RESOURCE_STATES.join(', ')}): nodes with a resource in one of them`),
  q: z.string().max(200, 'must be at most 200 characters').optional().describe('part of the node name'),
});
const jobQuery = z.strictObject({
  state: stateList(JOB_STATES)
    .optional()
    .describe(`comma-separated job states (${JOB_STATES.join(', ')})`),
  user: z.string().min(1, 'must be a login').optional(),
  queue: z.string().min(1, 'must be a queue name').optional(),
});
export const jobParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, 'must be a positive integer job id')
    .transform(Number),
});

/**
 * REST reads of the current snapshot (this process's copy: no OAR request, no Redis round trip);
 * only a job that is not in it (a finished one) is read from OAR.
 */
@ApiTags('cluster')
@Controller('api')
@UseGuards(ReadGuard)
@ApiErrors(401)
export class ReadsController {
  constructor(
    private readonly state: ClusterStateService,
    private readonly finished: FinishedJobs,
  ) {}

  @Get('cluster')
  @ApiOkResponse({ description: 'The current Snapshot', schema: openApiSchema(snapshotSchema) })
  cluster(): Snapshot {
    return this.state.current();
  }

  @Get('nodes')
  @ApiQueryOf(nodeQuery)
  @ApiOkResponse({ description: 'Nodes, in natural name order', schema: openApiSchema(z.array(nodeSchema)) })
  nodes(@Query(new ZodValidationPipe(nodeQuery)) query: z.infer<typeof nodeQuery>): Node[] {
    const needle = query.q?.toLowerCase();
    return this.state
      .current()
      .nodes.filter((node) => !query.state || node.resources.some((r) => query.state!.includes(r.state)))
      .filter((node) => !needle || node.name.toLowerCase().includes(needle));
  }

  @Get('nodes/:name')
  @ApiOkResponse({ description: 'One node', schema: openApiSchema(nodeSchema) })
  @ApiErrors([404, 'no node of that name'])
  node(@Param('name') name: string): Node {
    const node = this.state.current().nodes.find((n) => n.name === name);
    if (!node) throw new NotFoundException(`node ${name} not found`);
    return node;
  }

  @Get('jobs')
  @ApiQueryOf(jobQuery)
  @ApiOkResponse({ description: 'Unfinished jobs, by id', schema: openApiSchema(z.array(jobSchema)) })
  jobs(@Query(new ZodValidationPipe(jobQuery)) query: z.infer<typeof jobQuery>): Job[] {
    return this.state
      .current()
      .jobs.filter((job) => !query.state || query.state.includes(job.state))
      .filter((job) => !query.user || job.user === query.user)
      .filter((job) => !query.queue || job.queue === query.queue);
  }

  @Get('jobs/:id')
  @ApiParamsOf(jobParams)
  @ApiOkResponse({
    description: 'One job: an unfinished one from the snapshot, a finished one as OAR last recorded it',
    schema: openApiSchema(jobSchema),
  })
  @ApiErrors(
    [400, 'the id is not a positive integer'],
    [404, 'OAR has no job with that id'],
    [503, 'OAR could not be read (the message says so in a sentence)'],
  )
  async job(@Param(new ZodValidationPipe(jobParams)) { id }: z.infer<typeof jobParams>): Promise<Job> {
    return this.state.current().jobs.find((j) => j.id === id) ?? this.finished.get(id);
  }
}
