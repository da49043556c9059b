import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { PredictionAccuracy } from '@oar-live/shared';
import { z } from 'zod';
import { ReadGuard } from '../auth/guards';
import { ApiErrors, openApiSchema } from '../common/openapi';
import { PredictionRecorder } from './prediction-recorder';

const seconds = z.number().int().nullable();
export const predictionAccuracySchema = z.strictObject({
  samples: z.number().int().describe('jobs with a first prediction and a real start'),
  pending: z.number().int().describe('jobs with a prediction, not started yet'),
  medianSeconds: seconds.describe('median of real start − first prediction (negative: earlier)'),
  p90AbsSeconds: seconds.describe('90th percentile of the absolute error'),
  meanAbsSeconds: seconds,
  earlierShare: z.number().nullable().describe('share of jobs that started over a minute before their prediction'),
  histogram: z.array(
    z.strictObject({ from: z.number().int().optional(), to: z.number().int().optional(), count: z.number().int() }),
  ),
});

/** `GET /api/predictions`: how far OAR's predicted starts were from the real ones. */
@ApiTags('cluster')
@Controller('api/predictions')
@UseGuards(ReadGuard)
@ApiErrors(401)
export class PredictionsController {
  constructor(private readonly recorder: PredictionRecorder) {}

  @Get()
  @ApiOkResponse({
    description: "The error distribution of OAR's predicted starts (the last 10,000 predicted jobs)",
    schema: openApiSchema(predictionAccuracySchema),
  })
  accuracy(): Promise<PredictionAccuracy> {
    return this.recorder.accuracy();
  }
}
