import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiErrors } from '../common/openapi';

/**
 * The Idempotency-Key header of a mutation. A param decorator of our own rather than
 * @Headers('idempotency-key'), which Swagger would declare a second time, as required.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key'];
  return Array.isArray(value) ? value[0] : value;
});

const IDEMPOTENCY_HEADER = {
  name: 'idempotency-key',
  required: false,
  description: 'Repeat a request with the same key and get the same operation back, never a second one',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
} as const;

/** What every mutation may answer besides its own errors. */
export const ApiMutation = () =>
  applyDecorators(
    ApiBearerAuth(),
    ApiHeader(IDEMPOTENCY_HEADER),
    ApiErrors(401, 403, 422, [503, 'OAR or the queue is unavailable: resend with the same Idempotency-Key']),
  );
