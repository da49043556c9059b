import { Body, Controller, Delete, Headers, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Operation } from '@oar-live/shared';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, RolesGuard } from '../auth/guards';
import { jobActionsSchema, jobIdParam } from './action-requests';
import { JobOwnership } from './job-ownership';
import { OperationsService } from './operations.service';
import { readSubmitForm } from './script-form';
import { submitFields, submitHttpError, submitInput } from './job-submission';
import { MAX_SCRIPT_BYTES, validateSubmit } from './submit-request';
import { ZodValidationPipe } from '../common/zod-validation.pipe';

export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Repeat a request with the same key and get the same operation back, never a second one',
};

const SUBMIT_FIELDS = {
  command: { type: 'string', example: 'echo hello; sleep 5' },
  resources: { type: 'string', example: '/nodes=1/core=2' },
  walltime: { type: 'string', example: '00:10:00' },
  name: { type: 'string' },
  queue: { type: 'string' },
  properties: { type: 'string', example: "host='node1'" },
  types: { type: 'array', items: { type: 'string' } },
  directory: { type: 'string' },
  project: { type: 'string' },
};

@ApiTags('actions')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or bad token' })
@ApiHeader(IDEMPOTENCY_HEADER)
@Controller('api/jobs')
@UseGuards(RolesGuard)
@Roles('user')
export class JobsController {
  constructor(
    private readonly operations: OperationsService,
    private readonly ownership: JobOwnership,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a job (a command, or an uploaded script whose #OAR directives are defaults)' })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        ...SUBMIT_FIELDS,
        script: { type: 'string', format: 'binary', description: `text file, ${MAX_SCRIPT_BYTES} bytes at most` },
      },
    },
  })
  @ApiAcceptedResponse({ description: '{ operation, oarsub }: queued; oarsub is the equivalent command line' })
  @ApiBadRequestResponse({ description: 'a field is invalid (named in the message)' })
  async submit(
    @Req() req: FastifyRequest,
    @Body() body: unknown,
    @CurrentUser() actor: AuthUser,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<{ operation: Operation; oarsub: string }> {
    const form = req.isMultipart() ? await readSubmitForm(req) : undefined;
    const fileName = form?.script?.fileName;
    try {
      const { request, oarsub } = validateSubmit(submitFields(body, form), fileName);
      const operation = await this.operations.enqueue({
        actor,
        payload: { kind: 'job.submit', request },
        input: submitInput(request, oarsub, fileName),
        targets: [],
        idempotencyKey,
      });
      return { operation, oarsub };
    } catch (err) {
      throw submitHttpError(err);
    }
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a job (its owner or an admin)' })
  @ApiAcceptedResponse({ description: '{ operation }' })
  @ApiForbiddenResponse({ description: "another user's job" })
  async cancel(
    @Param('id', new ZodValidationPipe(jobIdParam)) id: number,
    @CurrentUser() actor: AuthUser,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<{ operation: Operation }> {
    const jobs = await this.ownership.targets([id], actor, true);
    const operation = await this.operations.enqueue({
      actor,
      payload: { kind: 'job.cancel', jobs },
      input: { ids: [id] },
      targets: [String(id)],
      idempotencyKey,
    });
    return { operation };
  }

  @Post('actions')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel, hold or resume many jobs: one operation with a result per job' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['action', 'ids'],
      properties: {
        action: { enum: ['cancel', 'hold', 'resume'] },
        ids: { type: 'array', items: { type: 'integer' } },
      },
    },
  })
  @ApiAcceptedResponse({ description: '{ operation }' })
  @ApiForbiddenResponse({ description: "another user's job among ids" })
  async actions(
    @Body(new ZodValidationPipe(jobActionsSchema)) body: z.infer<typeof jobActionsSchema>,
    @CurrentUser() actor: AuthUser,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<{ operation: Operation }> {
    const jobs = await this.ownership.targets(body.ids, actor, false);
    const operation = await this.operations.enqueue({
      actor,
      payload: { kind: `job.${body.action}`, jobs },
      input: body,
      targets: body.ids.map(String),
      idempotencyKey,
    });
    return { operation };
  }
}
