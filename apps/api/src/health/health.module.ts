import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ClusterModule } from '../cluster/cluster.module';
import { HealthController } from './health.controller';
import { RedisPing } from './redis-ping';

@Module({
  // A failing dependency is answered as a 503 body; terminus need not log it again.
  imports: [TerminusModule.forRoot({ logger: false }), ClusterModule],
  controllers: [HealthController],
  providers: [RedisPing],
})
export class HealthModule {}
