import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey, randomBytes } from 'node:crypto';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ReadGuard, RolesGuard } from './guards';
import { LoginBrake } from './login-brake';
import { UsersService } from './users.service';

/**
 * Global so any controller can use ReadGuard / RolesGuard and the gateway AuthService.
 * (Client-sent identity headers are dropped by common/identity-headers.middleware.)
 */
@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        // Random per process when unset: safe by default, but tokens die on restart and a token from
        // one replica fails on another. Set OAR_LIVE_TOKEN_SECRET (the same everywhere) for replicas.
        // A KeyObject, made once: given a string, jsonwebtoken first tries to parse it as a PEM public
        // key on every verify (a thrown exception each time).
        const key = createSecretKey(Buffer.from(config.OAR_LIVE_TOKEN_SECRET ?? randomBytes(32).toString('base64')));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { algorithm: 'HS256', expiresIn: config.OAR_LIVE_TOKEN_TTL_SECONDS },
          verifyOptions: { algorithms: ['HS256'] },
        };
      },
    }),
  ],
  controllers: [AuthController],
  providers: [UsersService, AuthService, LoginBrake, ReadGuard, RolesGuard],
  exports: [UsersService, AuthService, ReadGuard, RolesGuard],
})
export class AuthModule {}
