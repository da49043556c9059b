import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module';
import { LiveFeed } from './live-feed.service';
import { LiveGateway } from './live.gateway';
import { LiveSessions } from './live-sessions';
import { ReadsController } from './reads.controller';
import { SseController } from './sse.controller';

/** Pushes batches to subscribers (Socket.IO `/live`, SSE `/api/events`) and serves REST reads of the snapshot. */
@Module({
  imports: [ClusterModule],
  controllers: [SseController, ReadsController],
  providers: [LiveFeed, LiveGateway, LiveSessions],
})
export class LiveModule {}
