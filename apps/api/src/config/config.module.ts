import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule, ConfigService } from '@nestjs/config';
import { configSchema, loadConfig, type AppConfig } from './app-config';

/** Injection token for the validated, typed configuration: `@Inject(APP_CONFIG) config: AppConfig`. */
export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({
  imports: [NestConfigModule.forRoot({ ignoreEnvFile: true, validate: loadConfig, cache: true })],
  providers: [
    {
      provide: APP_CONFIG,
      inject: [ConfigService],
      useFactory: (config: ConfigService): AppConfig =>
        Object.fromEntries(Object.keys(configSchema.shape).map((key) => [key, config.get(key)])) as AppConfig,
    },
  ],
  exports: [APP_CONFIG],
})
export class ConfigModule {}
