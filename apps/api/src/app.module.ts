import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { HistoryModule } from './history/history.module';
import { LiveModule } from './live/live.module';
import { MetricsModule } from './metrics/metrics.module';
import { OarModule } from './oar/oar.module';
import { OperationsModule } from './operations/operations.module';
import { PlanningModule } from './planning/planning.module';
import { UtilisationModule } from './utilisation/utilisation.module';

/** One module per capability (docs/architecture.md). */
@Module({
  imports: [
    ConfigModule,
    CommonModule,
    HealthModule,
    MetricsModule,
    AuthModule,
    OarModule,
    LiveModule,
    OperationsModule,
    PlanningModule,
    HistoryModule,
    UtilisationModule,
  ],
})
export class AppModule {}
