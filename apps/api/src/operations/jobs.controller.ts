import { Body, Controller, Delete, Headers, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
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
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, RolesGuard } from '../auth/guards';
import { jobActionsSchema, jobIdParam } from './action-requests';
import { JobOwnership } from './job-ownership';
import { OperationsService } from './operations.service';
import { readSubmitForm } from './script-form';
import {
  checkScriptText,
  MAX_SCRIPT_BYTES,
  SCRIPT_TOO_LARGE,
  SubmitValidationError,
  validateSubmit,
} from './submit-request';
import { ZodValidationPipe } from './zod-validation.pipe';

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
    const fields: Record<string, unknown> = form ? form.fields : { ...((body ?? {}) as Record<string, unknown>) };
    const file = form?.script;
    try {
      if (file) {
        if (fields.script !== undefined)
          throw new SubmitValidationError('script: send it as a file or as a field, not both');
        fields.script = checkScriptText(file.bytes);
      }
      const { request, oarsub } = validateSubmit(fields, file?.fileName);
      const { script, ...shown } = request;
      const input = {
        ...shown,
        ...(script !== undefined && {
          script: {
            fileName: file?.fileName ?? null,
            bytes: Buffer.byteLength(script),
            sha256: createHash('sha256').update(script).digest('hex'),
          },
        }),
        oarsub,
      };
      const operation = await this.operations.enqueue({
        actor,
        payload: { kind: 'job.submit', request },
        input,
        targets: [],
        idempotencyKey,
      });
      return { operation, oarsub };
    } catch (err) {
      if (!(err instanceof SubmitValidationError)) throw err;
      if (err.message === SCRIPT_TOO_LARGE) throw new PayloadTooLargeException(err.message);
      throw new BadRequestException(err.message);
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
    const job = await this.ownership.target(id, actor, 'cancel');
    const operation = await this.operations.enqueue({
      actor,
      payload: { kind: 'job.cancel', jobs: [job], refused: [] },
      input: { ids: [id] },
      targets: [String(id)],
      idempotencyKey,
    });
    return { operation };
  }

  @Post('actions')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Cancel, hold or resume many jobs: one operation with a result per job; a job the user may not act on, or whose state does not allow the action, is refused in its result (never sent to OAR) and the others go ahead',
  })
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
  async actions(
    @Body(new ZodValidationPipe(jobActionsSchema)) body: z.infer<typeof jobActionsSchema>,
    @CurrentUser() actor: AuthUser,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<{ operation: Operation }> {
    const { jobs, refused } = await this.ownership.targets(body.ids, actor, body.action);
    const operation = await this.operations.enqueue({
      actor,
      payload: { kind: `job.${body.action}`, jobs, refused },
      input: body,
      targets: body.ids.map(String),
      idempotencyKey,
    });
    return { operation };
  }
}
