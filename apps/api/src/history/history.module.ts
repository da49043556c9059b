import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module';
import { HistoryController } from './history.controller';
import { JobHistory } from './job-history.service';
import { JobOutputController } from './job-output.controller';

/** Job history (finished jobs from OAR, by time window) and node state history (from the event log). */
@Module({
  imports: [ClusterModule],
  controllers: [HistoryController, JobOutputController],
  providers: [JobHistory],
})
export class HistoryModule {}
