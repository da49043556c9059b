import {
  Body,
  ConflictException,
  Controller,
  Delete,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { operationAnswerSchema } from '../common/api-responses';
import { ApiErrors, ApiJsonBody, ApiQueryOf, openApiSchema } from '../common/openapi';
import type { SettableResourceState } from '@oar-live/oar-client';
import type { Operation } from '@oar-live/shared';
import { z } from 'zod';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, RolesGuard } from '../auth/guards';
import { ClusterStateService } from '../cluster/cluster-state.service';
import {
  createNodesSchema,
  forceQuerySchema,
  nodeActionsSchema,
  nodeNameParam,
  nodeStateSchema,
} from './action-requests';
import { ApiMutation, IdempotencyKey } from './mutation-request';
import { OperationsService } from './operations.service';
import { ZodValidationPipe } from './zod-validation.pipe';

const STATE_OF_ACTION: Record<'alive' | 'absent' | 'dead', SettableResourceState> = {
  alive: 'Alive',
  absent: 'Absent',
  dead: 'Dead',
};

@ApiTags('actions')
@ApiMutation()
@Controller('api/nodes')
@UseGuards(RolesGuard)
@Roles('admin')
export class NodesController {
  constructor(
    private readonly operations: OperationsService,
    private readonly cluster: ClusterStateService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Create nodes: named from the prefix with the next free index (or given names), cpus × coresPerCpu resources each, in one OAR call',
  })
  @ApiJsonBody(createNodesSchema)
  @ApiAcceptedResponse({
    description: 'its targets are the node names once chosen',
    schema: openApiSchema(operationAnswerSchema),
  })
  async create(
    @Body(new ZodValidationPipe(createNodesSchema)) body: z.infer<typeof createNodesSchema>,
    @CurrentUser() actor: AuthUser,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<{ operation: Operation }> {
    const operation = await this.operations.enqueue({
      actor,
      payload: { kind: 'node.create', ...body },
      input: body,
      targets: body.names ?? [],
      idempotencyKey,
    });
    return { operation };
  }

  @Patch(':name')
  @HttpCode(202)
  @ApiOperation({ summary: 'Set every resource of a node Alive, Absent or Dead' })
  @ApiParam({ name: 'name', schema: openApiSchema(nodeNameParam) })
  @ApiJsonBody(nodeStateSchema)
  @ApiAcceptedResponse({ schema: openApiSchema(operationAnswerSchema) })
  @ApiErrors(400)
  async setState(
    @Param('name', new ZodValidationPipe(nodeNameParam)) name: string,
    @Body(new ZodValidationPipe(nodeStateSchema)) body: z.infer<typeof nodeStateSchema>,
    @CurrentUser() actor: AuthUser,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<{ operation: Operation }> {
    const operation = await this.operations.enqueue({
      actor,
      payload: { kind: 'node.state', names: [name], state: body.state, reason: body.reason },
      input: { names: [name], ...body },
      targets: [name],
      idempotencyKey,
    });
    return { operation };
  }

  @Delete(':name')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Retire a node: set it Dead, then delete its resources; refused while jobs run on it unless force=true (cancels them first)',
  })
  @ApiParam({ name: 'name', schema: openApiSchema(nodeNameParam) })
  @ApiQueryOf(forceQuerySchema)
  @ApiAcceptedResponse({ schema: openApiSchema(operationAnswerSchema) })
  @ApiErrors([409, 'jobs run on the node and force is not set'])
  async retire(
    @Param('name', new ZodValidationPipe(nodeNameParam)) name: string,
    @Query(new ZodValidationPipe(forceQuerySchema)) query: z.infer<typeof forceQuerySchema>,
    @CurrentUser() actor: AuthUser,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<{ operation: Operation }> {
    const force = query.force === 'true';
    this.refuseBusy([name], force);
    const operation = await this.operations.enqueue({
      actor,
      payload: { kind: 'node.delete', names: [name], force },
      input: { names: [name], force },
      targets: [name],
      idempotencyKey,
    });
    return { operation };
  }

  @Post('actions')
  @HttpCode(202)
  @ApiOperation({ summary: 'Set many nodes alive/absent/dead or retire them: one operation with a result per node' })
  @ApiJsonBody(nodeActionsSchema)
  @ApiAcceptedResponse({ schema: openApiSchema(operationAnswerSchema) })
  async actions(
    @Body(new ZodValidationPipe(nodeActionsSchema)) body: z.infer<typeof nodeActionsSchema>,
    @CurrentUser() actor: AuthUser,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<{ operation: Operation }> {
    const { action, names, reason, force } = body;
    const payload =
      action === 'delete'
        ? ({ kind: 'node.delete', names, force } as const)
        : ({ kind: 'node.state', names, state: STATE_OF_ACTION[action], reason } as const);
    const operation = await this.operations.enqueue({ actor, payload, input: body, targets: names, idempotencyKey });
    return { operation };
  }

  /** A quick 409 from the live snapshot; the worker checks OAR itself again before retiring. */
  private refuseBusy(names: string[], force: boolean): void {
    if (force) return;
    const busy = this.cluster.current().nodes.filter((node) => names.includes(node.name) && node.jobIds.length > 0);
    if (busy.length > 0) {
      throw new ConflictException(
        `name: jobs ${busy.flatMap((node) => node.jobIds).join(', ')} run on ${busy.map((node) => node.name).join(', ')}; retire with ?force=true to cancel them first`,
      );
    }
  }
}
