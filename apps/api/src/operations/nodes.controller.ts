import {
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  NotFoundException,
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
import { nodeActionRefusal, type NodeAction, type Operation, type TargetResult } from '@oar-live/shared';
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
import { ZodValidationPipe } from '../common/zod-validation.pipe';

const STATE_OF_ACTION: Record<'alive' | 'absent' | 'dead', SettableResourceState> = {
  alive: 'Alive',
  absent: 'Absent',
  dead: 'Dead',
};
const ACTION_OF_STATE: Record<SettableResourceState, NodeAction> = { Alive: 'alive', Absent: 'absent', Dead: 'dead' };

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
  @ApiErrors(400, [404, 'no node of that name'])
  async setState(
    @Param('name', new ZodValidationPipe(nodeNameParam)) name: string,
    @Body(new ZodValidationPipe(nodeStateSchema)) body: z.infer<typeof nodeStateSchema>,
    @CurrentUser() actor: AuthUser,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<{ operation: Operation }> {
    this.refuseOne(name, ACTION_OF_STATE[body.state], actor, false);
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
  @ApiErrors([404, 'no node of that name'], [409, 'jobs run on the node and force is not set'])
  async retire(
    @Param('name', new ZodValidationPipe(nodeNameParam)) name: string,
    @Query(new ZodValidationPipe(forceQuerySchema)) query: z.infer<typeof forceQuerySchema>,
    @CurrentUser() actor: AuthUser,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<{ operation: Operation }> {
    const force = query.force === 'true';
    this.refuseOne(name, 'delete', actor, force);
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
  @ApiOperation({
    summary:
      'Set many nodes alive/absent/dead or retire them: one operation with a result per node; a node the action cannot apply to (unknown, or running jobs for a retire without force) is refused in its result and never sent to OAR',
  })
  @ApiJsonBody(nodeActionsSchema)
  @ApiAcceptedResponse({ schema: openApiSchema(operationAnswerSchema) })
  async actions(
    @Body(new ZodValidationPipe(nodeActionsSchema)) body: z.infer<typeof nodeActionsSchema>,
    @CurrentUser() actor: AuthUser,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<{ operation: Operation }> {
    const { action, reason, force } = body;
    const refused = body.names.flatMap((name) => {
      const refusal = this.refusal(name, action, actor, force);
      return refusal ? [{ target: name, ok: false, error: { status: refusal.status, message: refusal.reason } }] : [];
    });
    const names = body.names.filter((name) => !refused.some((result: TargetResult) => result.target === name));
    const payload =
      action === 'delete'
        ? ({ kind: 'node.delete', names, force, refused } as const)
        : ({ kind: 'node.state', names, state: STATE_OF_ACTION[action], reason, refused } as const);
    const operation = await this.operations.enqueue({
      actor,
      payload,
      input: body,
      targets: body.names,
      idempotencyKey,
    });
    return { operation };
  }

  /** Judged on the live snapshot by the shared rule; the worker checks OAR itself again before retiring. */
  private refusal(name: string, action: NodeAction, actor: AuthUser, force: boolean) {
    const node = this.cluster.current().nodes.find((candidate) => candidate.name === name);
    if (!node) return { status: 404, reason: `There is no node named ${name}.` } as const;
    return nodeActionRefusal(action, node, actor, { killJobs: force });
  }

  /** One node: its refusal is the request's answer. */
  private refuseOne(name: string, action: NodeAction, actor: AuthUser, force: boolean): void {
    const refusal = this.refusal(name, action, actor, force);
    if (!refusal) return;
    if (refusal.status === 404) throw new NotFoundException(refusal.reason);
    if (refusal.status === 403) throw new ForbiddenException(refusal.reason);
    throw new ConflictException(refusal.reason);
  }
}
