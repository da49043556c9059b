import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { ConfigModule } from './config/config.module';
import { MetricsModule } from './metrics/metrics.module';

/** One module per capability; each is added here as it lands. */
@Module({
  imports: [ConfigModule, MetricsModule, AuthModule],
})
export class AppModule {}
