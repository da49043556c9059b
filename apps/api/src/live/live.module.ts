import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module';
import { FinishedJobs } from './finished-jobs';
import { LiveFeed } from './live-feed.service';
import { LiveGateway } from './live.gateway';
import { LiveSessions } from './live-sessions';
import { ReadsController } from './reads.controller';
import { SseController } from './sse.controller';

/** Pushes batches to subscribers (Socket.IO `/live`, SSE `/api/events`) and serves REST reads of the snapshot (and of finished jobs). */
@Module({
  imports: [ClusterModule],
  controllers: [SseController, ReadsController],
  providers: [LiveFeed, LiveGateway, LiveSessions, FinishedJobs],
  exports: [FinishedJobs],
})
export class LiveModule {}
