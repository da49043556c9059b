import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UTILISATION_SERIES, utilisationColumns, type UtilisationColumns } from '@oar-live/shared';
import { z } from 'zod';
import { ReadGuard } from '../auth/guards';
import { ApiErrors, ApiQueryOf, openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { UtilisationStore } from './utilisation-store';
import { wholeNumber } from '../config/whole-number';

const HOURS_MESSAGE = 'must be a whole number of hours from 1 to 8784 (366 days)';
export const utilisationQuerySchema = z.strictObject({
  hours: wholeNumber(1, 8784, HOURS_MESSAGE)
    .default(24)
    .describe('the window: the last this many hours (samples older than OAR_LIVE_UTILISATION_DAYS are gone)'),
});

const count = z.array(z.number().int().min(0));
export const utilisationColumnsSchema = z.strictObject({
  periodSeconds: z.number().int().describe('seconds between two samples (60)'),
  at: z
    .array(z.number().int())
    .describe('epoch seconds of each sample, oldest first; a minute oar-live was down has none'),
  ...Object.fromEntries(UTILISATION_SERIES.map((name) => [name, count])),
});

@ApiTags('cluster')
@Controller('api/utilisation')
@UseGuards(ReadGuard)
@ApiErrors(401)
export class UtilisationController {
  constructor(private readonly store: UtilisationStore) {}

  @Get()
  @ApiOperation({
    summary: 'Cores busy, free and unavailable, jobs running and waiting, once a minute over the last hours',
  })
  @ApiQueryOf(utilisationQuerySchema)
  @ApiOkResponse({ schema: openApiSchema(utilisationColumnsSchema) })
  async series(
    @Query(new ZodValidationPipe(utilisationQuerySchema)) query: z.infer<typeof utilisationQuerySchema>,
  ): Promise<UtilisationColumns> {
    const now = Date.now();
    return utilisationColumns(await this.store.range(now - query.hours * 3_600_000, now));
  }
}
