import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module';
import { LiveModule } from '../live/live.module';
import { FinishedController } from './finished.controller';
import { PredictionRecorder } from './prediction-recorder';
import { PredictionsController } from './predictions.controller';
import { WhyController } from './why.controller';

/** OAR's plan as people ask about it: why a job waits, and how far its predicted starts can be trusted. */
@Module({
  imports: [ClusterModule, LiveModule],
  controllers: [FinishedController, WhyController, PredictionsController],
  providers: [PredictionRecorder],
})
export class PlanningModule {}
