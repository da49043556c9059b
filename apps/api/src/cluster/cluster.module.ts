import { Module } from '@nestjs/common';
import { ClusterPoller } from './cluster-poller.service';
import { ClusterStateService } from './cluster-state.service';
import { EventLogService } from './event-log.service';
import { LiveRedis } from './redis.provider';

/** Polls OAR (one leader), diffs snapshots, keeps the event log and this process's current snapshot. */
@Module({
  providers: [LiveRedis, EventLogService, ClusterStateService, ClusterPoller],
  exports: [EventLogService, ClusterStateService, ClusterPoller, LiveRedis],
})
export class ClusterModule {}
