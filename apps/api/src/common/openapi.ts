import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

/**
 * The OpenAPI form of the zod schema that validates a request: the document is generated from the
 * same schema as the check, so the two cannot disagree (limits, patterns, enums, required fields).
 */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as SchemaObject;
}

/** The one error body of every HTTP error (design §4). */
export const errorBodySchema = z.strictObject({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'a field, parameter or the JSON body is invalid (named in the message)',
  401: 'no token where one is needed, or a bad, expired or revoked token',
  403: 'the user lacks the role the action needs',
  404: 'no such resource',
  409: 'the action conflicts with the cluster as it is',
  413: 'the body (or uploaded script) is larger than the limit',
  422: 'the Idempotency-Key was already used for a different request',
  415: 'a body that is not application/json (or multipart/form-data where an upload is accepted)',
  429: 'too many tries: see Retry-After',
  503: 'a service oar-live needs is unavailable: retry later',
};

/** Error answers, each with the error body schema; `[status, description]` to say more than the default. */
export function ApiErrors(...answers: (number | [number, string])[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...answers.map((answer) => {
      const [status, description] = typeof answer === 'number' ? [answer, ERROR_DESCRIPTIONS[answer]] : answer;
      return ApiResponse({ status, description, schema: openApiSchema(errorBodySchema) });
    }),
  );
}

/** A JSON body validated by `schema`, with the answers to a body that is bad, too large or not JSON. */
export function ApiJsonBody(schema: z.ZodType): MethodDecorator {
  return applyDecorators(ApiBody({ schema: openApiSchema(schema) }), ApiErrors(400, 413, 415));
}

/** One query parameter per field of the zod object that validates the query, and the 400 for a bad one. */
export function ApiQueryOf(schema: z.ZodObject): MethodDecorator {
  return applyDecorators(...parametersOf(schema, 'query'), ApiErrors(400));
}

/** One path parameter per field of the zod object that validates the path. */
export function ApiParamsOf(schema: z.ZodObject): MethodDecorator {
  return applyDecorators(...parametersOf(schema, 'path'));
}

function parametersOf(schema: z.ZodObject, location: 'query' | 'path'): MethodDecorator[] {
  const { properties = {}, required = [] } = openApiSchema(schema);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property as SchemaObject;
    const options = { name, description, schema: propertySchema };
    return location === 'path' ? ApiParam(options) : ApiQuery({ ...options, required: required.includes(name) });
  });
}
