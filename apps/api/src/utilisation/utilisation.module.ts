import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module';
import { UtilisationController } from './utilisation.controller';
import { UtilisationRecorder } from './utilisation-recorder';
import { UtilisationStore } from './utilisation-store';

/** Records the cluster's utilisation once a minute in Redis and serves it for the charts (`GET /api/utilisation`). */
@Module({
  imports: [ClusterModule],
  controllers: [UtilisationController],
  providers: [UtilisationStore, UtilisationRecorder],
})
export class UtilisationModule {}
