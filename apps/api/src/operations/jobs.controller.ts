import { Body, Controller, Delete, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Operation } from '@oar-live/shared';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, RolesGuard } from '../auth/guards';
import { jobActionsSchema, jobIdParams } from './action-requests';
import { JobOwnership } from './job-ownership';
import { OperationsService } from './operations.service';
import { readSubmitForm } from './script-form';
import { operationAnswerSchema, operationSchema } from '../common/api-responses';
import { ApiErrors, ApiJsonBody, ApiParamsOf, openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { submitFields, submitHttpError, submitInput } from './job-submission';
import { MAX_SCRIPT_BYTES, submitSchema, validateSubmit } from './submit-request';
import { ApiMutation, IdempotencyKey } from './mutation-request';

const submitAnswerSchema = z.strictObject({ operation: operationSchema, oarsub: z.string() });

@ApiTags('actions')
@ApiMutation()
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
      ...openApiSchema(submitSchema),
      description: `as multipart/form-data, script may be an uploaded text file (${MAX_SCRIPT_BYTES} bytes at most)`,
    },
  })
  @ApiErrors(400, 413, 415)
  @ApiAcceptedResponse({
    description: 'queued; oarsub is the equivalent command line',
    schema: openApiSchema(submitAnswerSchema),
  })
  async submit(
    @Req() req: FastifyRequest,
    @Body() body: unknown,
    @CurrentUser() actor: AuthUser,
    @IdempotencyKey() idempotencyKey?: string,
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
  @ApiParamsOf(jobIdParams)
  @ApiAcceptedResponse({ schema: openApiSchema(operationAnswerSchema) })
  @ApiErrors(400, [403, "another user's job"], [404, 'no such job'])
  async cancel(
    @Param(new ZodValidationPipe(jobIdParams)) { id }: z.infer<typeof jobIdParams>,
    @CurrentUser() actor: AuthUser,
    @IdempotencyKey() idempotencyKey?: string,
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
  @ApiJsonBody(jobActionsSchema)
  @ApiAcceptedResponse({ schema: openApiSchema(operationAnswerSchema) })
  @ApiErrors([503, 'OAR could not be asked about the jobs missing from the live view'])
  async actions(
    @Body(new ZodValidationPipe(jobActionsSchema)) body: z.infer<typeof jobActionsSchema>,
    @CurrentUser() actor: AuthUser,
    @IdempotencyKey() idempotencyKey?: string,
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
