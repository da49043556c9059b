import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { APP_CONFIG } from './config/config.module';
import { ConfigError, type AppConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  const config = app.get<AppConfig>(APP_CONFIG);
  await app.listen(config.PORT, config.HOST);
  console.log(`oar-live listening on http://${config.HOST}:${config.PORT}`);
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? `invalid configuration:\n${err.message}` : err);
  process.exit(1);
});
