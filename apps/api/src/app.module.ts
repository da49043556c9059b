import { Module } from '@nestjs/common';
import { ConfigModule } from './config/config.module';

/** One module per capability; each is added here as it lands. */
@Module({
  imports: [ConfigModule],
})
export class AppModule {}
