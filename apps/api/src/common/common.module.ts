import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import { HttpExceptionFilter } from './http-exception.filter';
import { StripIdentityHeaders } from './identity-headers';
import { IncomingActions } from './incoming-actions';
import { loggerParams, RequestLog } from './logging';

/**
 * What every request gets, in any app built from AppModule (production or a test's
 * Test.createTestingModule): pino request logs, identity headers stripped, one error shape, and
 * the count of requests being answered that background work waits for (global: operations and
 * cluster use it).
 */
@Global()
@Module({
  imports: [LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: loggerParams })],
  providers: [
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
    IncomingActions,
    RequestLog,
    StripIdentityHeaders,
  ],
  exports: [IncomingActions],
})
export class CommonModule {}
