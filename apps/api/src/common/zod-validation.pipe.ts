import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** "field: what is wrong" for each problem, joined; `(body)` when the whole value is wrong. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}

/** Validates a body or query with a zod schema: 400 naming the field at fault, never a 500. */
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(private readonly schema: T) {}

  transform(value: unknown): z.infer<T> {
    const parsed = this.schema.safeParse(value ?? {});
    if (!parsed.success) throw new BadRequestException(describeZodError(parsed.error));
    return parsed.data;
  }
}
