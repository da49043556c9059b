import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { ConfigModule } from './config/config.module';
import { LiveModule } from './live/live.module';
import { MetricsModule } from './metrics/metrics.module';
import { OarModule } from './oar/oar.module';
import { OperationsModule } from './operations/operations.module';

/** One module per capability; each is added here as it lands. */
@Module({
  imports: [ConfigModule, MetricsModule, AuthModule, OarModule, LiveModule, OperationsModule],
})
export class AppModule {}
