import {
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  NotFoundException,
  Delete,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
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
import { IDEMPOTENCY_HEADER } from './jobs.controller';
import { OperationsService } from './operations.service';
import { ZodValidationPipe } from './zod-validation.pipe';

const STATE_OF_ACTION: Record<'alive' | 'absent' | 'dead', SettableResourceState> = {
  alive: 'Alive',
  absent: 'Absent',
  dead: 'Dead',
};
const ACTION_OF_STATE: Record<SettableResourceState, NodeAction> = { Alive: 'alive', Absent: 'absent', Dead: 'dead' };

@ApiTags('actions')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'needs the admin role' })
@ApiHeader(IDEMPOTENCY_HEADER)
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
  @ApiBody({
    schema: {
      type: 'object',
      required: ['count'],
      properties: {
        count: { type: 'integer', minimum: 1, maximum: 1000 },
        prefix: { type: 'string', default: 'node' },
        names: { type: 'array', items: { type: 'string' } },
        cpus: { type: 'integer', default: 1 },
        coresPerCpu: { type: 'integer', default: 1 },
        properties: { type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] } },
      },
    },
  })
  @ApiAcceptedResponse({ description: '{ operation }; its targets are the node names once chosen' })
  async create(
    @Body(new ZodValidationPipe(createNodesSchema)) body: z.infer<typeof createNodesSchema>,
    @CurrentUser() actor: AuthUser,
    @Headers('idempotency-key') idempotencyKey?: string,
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
  @ApiBody({
    schema: {
      type: 'object',
      required: ['state'],
      properties: { state: { enum: ['Alive', 'Absent', 'Dead'] }, reason: { type: 'string' } },
    },
  })
  @ApiAcceptedResponse({ description: '{ operation }' })
  async setState(
    @Param('name', new ZodValidationPipe(nodeNameParam)) name: string,
    @Body(new ZodValidationPipe(nodeStateSchema)) body: z.infer<typeof nodeStateSchema>,
    @CurrentUser() actor: AuthUser,
    @Headers('idempotency-key') idempotencyKey?: string,
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
  @ApiQuery({ name: 'force', required: false, enum: ['true', 'false'] })
  @ApiAcceptedResponse({ description: '{ operation }' })
  @ApiConflictResponse({ description: 'jobs run on the node and force is not set' })
  async retire(
    @Param('name', new ZodValidationPipe(nodeNameParam)) name: string,
    @Query(new ZodValidationPipe(forceQuerySchema)) query: z.infer<typeof forceQuerySchema>,
    @CurrentUser() actor: AuthUser,
    @Headers('idempotency-key') idempotencyKey?: string,
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
      'Set many nodes alive/absent/dead or retire them: one operation with a result per node; a node the action cannot apply to (unknown, already in that state, running jobs for a retire without force) is refused in its result and never sent to OAR',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['action', 'names'],
      properties: {
        action: { enum: ['alive', 'absent', 'dead', 'delete'] },
        names: { type: 'array', items: { type: 'string' } },
        reason: { type: 'string' },
        force: { type: 'boolean', default: false },
      },
    },
  })
  @ApiAcceptedResponse({ description: '{ operation }' })
  async actions(
    @Body(new ZodValidationPipe(nodeActionsSchema)) body: z.infer<typeof nodeActionsSchema>,
    @CurrentUser() actor: AuthUser,
    @Headers('idempotency-key') idempotencyKey?: string,
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
