import { Controller, Get, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { operationSchema } from '../common/api-responses';
import { ApiErrors, ApiQueryOf, openApiSchema } from '../common/openapi';
import type { Operation } from '@oar-live/shared';
import { z } from 'zod';
import { ReadGuard } from '../auth/guards';
import { operationsQuerySchema } from './action-requests';
import { OperationStore } from './operation-store';
import { ZodValidationPipe } from './zod-validation.pipe';

@ApiTags('actions')
@Controller('api/operations')
@UseGuards(ReadGuard)
@ApiErrors(401)
export class OperationsController {
  constructor(private readonly store: OperationStore) {}

  @Get()
  @ApiOperation({ summary: 'Operations, newest first, with their audit history (who, what, when, result)' })
  @ApiQueryOf(operationsQuerySchema)
  @ApiOkResponse({ schema: openApiSchema(z.strictObject({ operations: z.array(operationSchema) })) })
  async list(
    @Query(new ZodValidationPipe(operationsQuerySchema)) query: z.infer<typeof operationsQuerySchema>,
  ): Promise<{ operations: Operation[] }> {
    return { operations: await this.store.list(query) };
  }

  @Get(':id')
  @ApiOkResponse({ schema: openApiSchema(operationSchema) })
  @ApiErrors([404, 'no operation with that id'])
  async get(@Param('id') id: string): Promise<Operation> {
    const operation = /^op-[\w-]{1,64}$/.test(id) ? await this.store.get(id) : null;
    if (!operation) throw new NotFoundException(`id: no operation ${id}`);
    return operation;
  }
}
