import { Controller, Get, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Operation, OperationList } from '@oar-live/shared';
import { z } from 'zod';
import { ReadGuard } from '../auth/guards';
import { operationsQuerySchema } from './action-requests';
import { OperationStore } from './operation-store';
import { ZodValidationPipe } from '../common/zod-validation.pipe';

@ApiTags('actions')
@Controller('api/operations')
@UseGuards(ReadGuard)
export class OperationsController {
  constructor(private readonly store: OperationStore) {}

  @Get()
  @ApiOperation({ summary: 'Operations, newest first, with their audit history (who, what, when, result)' })
  @ApiQuery({ name: 'user', required: false })
  @ApiQuery({ name: 'kind', required: false })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiOkResponse({ description: '{ operations: Operation[] }' })
  async list(
    @Query(new ZodValidationPipe(operationsQuerySchema)) query: z.infer<typeof operationsQuerySchema>,
  ): Promise<OperationList> {
    return { operations: await this.store.list(query) };
  }

  @Get(':id')
  @ApiOkResponse({ description: 'Operation' })
  async get(@Param('id') id: string): Promise<Operation> {
    const operation = /^op-[\w-]{1,64}$/.test(id) ? await this.store.get(id) : null;
    if (!operation) throw new NotFoundException(`id: no operation ${id}`);
    return operation;
  }
}
