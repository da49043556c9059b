import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { JobHistoryPage, JobHistorySummary, NodeStateHistory } from '@oar-live/shared';
import { z } from 'zod';
import { ReadGuard } from '../auth/guards';
import { ClusterStateService } from '../cluster/cluster-state.service';
import { EventLogService } from '../cluster/event-log.service';
import { jobSchema } from '../common/api-responses';
import { ApiErrors, ApiParamsOf, ApiQueryOf, openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { historyQuerySchema, nodeNameParams, summaryQuerySchema, windowOf } from './history-query';
import { JobHistory } from './job-history.service';
import { nodeStateChanges } from './node-history';

const totalsSchema = z.looseObject({
  key: z.string(),
  jobs: z.number().int(),
  terminated: z.number().int(),
  errors: z.number().int(),
  runSeconds: z.number(),
});
const windowSchema = { from: z.string(), to: z.string(), total: z.number().int(), readAt: z.string() };
const pageSchema = z.looseObject({
  ...windowSchema,
  offset: z.number().int(),
  limit: z.number().int(),
  jobs: z.array(jobSchema),
});
const summarySchema = z.looseObject({ ...windowSchema, users: z.array(totalsSchema), queues: z.array(totalsSchema) });
const nodeHistorySchema = z.looseObject({
  name: z.string(),
  since: z.string().nullable(),
  changes: z.array(z.looseObject({ at: z.string(), seq: z.number().int(), state: z.string().nullable() })),
});

/** Finished jobs read from OAR by time window, and the state history of a node from oar-live's own log. */
@ApiTags('history')
@Controller('api/history')
@UseGuards(ReadGuard)
@ApiErrors(401)
export class HistoryController {
  constructor(
    private readonly history: JobHistory,
    private readonly log: EventLogService,
    private readonly state: ClusterStateService,
  ) {}

  @Get('jobs')
  @ApiOperation({
    summary:
      'Finished jobs (Terminated, Error) of a time window, the most recently ended first, one page at a time; read from OAR and reused for 30 s',
  })
  @ApiQueryOf(historyQuerySchema)
  @ApiOkResponse({ schema: openApiSchema(pageSchema) })
  @ApiErrors([503, 'OAR could not be read (the message says so in a sentence)'])
  async jobs(
    @Query(new ZodValidationPipe(historyQuerySchema)) query: z.infer<typeof historyQuerySchema>,
  ): Promise<JobHistoryPage> {
    const { limit, offset, ...filter } = query;
    return this.history.page({ ...filter, ...windowOf(query) }, offset, limit);
  }

  @Get('summary')
  @ApiOperation({ summary: 'Finished jobs of a time window counted per user and per queue' })
  @ApiQueryOf(summaryQuerySchema)
  @ApiOkResponse({ schema: openApiSchema(summarySchema) })
  @ApiErrors([503, 'OAR could not be read (the message says so in a sentence)'])
  async summary(
    @Query(new ZodValidationPipe(summaryQuerySchema)) query: z.infer<typeof summaryQuerySchema>,
  ): Promise<JobHistorySummary> {
    return this.history.summary(windowOf(query));
  }

  @Get('nodes/:name')
  @ApiOperation({
    summary:
      "A node's state changes that oar-live's event log still holds (its retention window, about 6 minutes); `since` says how far back that is",
  })
  @ApiParamsOf(nodeNameParams)
  @ApiOkResponse({ schema: openApiSchema(nodeHistorySchema) })
  @ApiErrors([400, 'the name is not a node name'])
  async node(
    @Param(new ZodValidationPipe(nodeNameParams)) { name }: z.infer<typeof nodeNameParams>,
  ): Promise<NodeStateHistory> {
    const batches = await this.log.recentBatches();
    const current = this.state.current().nodes.find((node) => node.name === name);
    return { name, since: batches[0]?.at ?? null, changes: nodeStateChanges(batches, name, current) };
  }
}
