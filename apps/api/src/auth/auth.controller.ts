import {
  Body,
  Controller,
  HttpCode,
  HttpException,
  HttpStatus,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ROLES } from '@oar-live/shared';
import { z } from 'zod';
import { ApiErrors, ApiJsonBody, openApiSchema } from '../common/openapi';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { AuthService, type LoginResult } from './auth.service';
import { LoginBrake } from './login-brake';

const loginSchema = z.object({
  username: z.string({ message: 'must be a string' }).min(1, 'is required').max(64, 'is too long'),
  password: z.string({ message: 'must be a string' }).min(1, 'is required').max(256, 'is too long'),
});

const loginResultSchema = z.strictObject({
  token: z.string(),
  expiresAt: z.iso.datetime(),
  user: z.strictObject({ name: z.string(), roles: z.array(z.enum(ROLES)), oarLogin: z.string() }),
});

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly brake: LoginBrake,
  ) {}

  /** The body is validated (pipe) before the brake or anything else reads it. */
  @Post('login')
  @HttpCode(200)
  @ApiJsonBody(loginSchema)
  @ApiOkResponse({
    description: 'send the token as "Authorization: Bearer <token>"; answered with Cache-Control: no-store',
    schema: openApiSchema(loginResultSchema),
  })
  @ApiErrors(
    [401, 'wrong user name or password'],
    [429, 'too many wrong passwords for this account from this address, or from this address: see Retry-After'],
  )
  async login(
    @Body(new ZodValidationPipe(loginSchema)) body: z.infer<typeof loginSchema>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResult> {
    // A token must not stay in a shared cache or the browser's history.
    void reply.header('Cache-Control', 'no-store');
    const waitMs = this.brake.waitMs(body.username, request.ip);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      void reply.header('Retry-After', String(seconds));
      throw new HttpException(`too many login attempts: wait ${seconds} s and try again`, HttpStatus.TOO_MANY_REQUESTS);
    }
    const result = await this.auth.login(body.username, body.password);
    if (!result) {
      this.brake.failed(body.username, request.ip);
      throw new UnauthorizedException('wrong user name or password');
    }
    this.brake.succeeded(body.username, request.ip);
    return result;
  }
}
