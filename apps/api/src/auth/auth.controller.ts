import { Body, Controller, HttpCode, Post, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodValidationPipe } from '../operations/zod-validation.pipe';
import { AuthService, type LoginResult } from './auth.service';
import { ThrottlerGuard } from '@nestjs/throttler';

const loginSchema = z.object({
  username: z.string({ message: 'must be a string' }).min(1, 'is required').max(64, 'is too long'),
  password: z.string({ message: 'must be a string' }).min(1, 'is required').max(256, 'is too long'),
});

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['username', 'password'],
      properties: { username: { type: 'string' }, password: { type: 'string', format: 'password' } },
    },
  })
  @ApiOkResponse({
    description:
      '{ token, expiresAt, user: { name, roles, oarLogin } }; send the token as "Authorization: Bearer <token>"',
  })
  @ApiUnauthorizedResponse({ description: 'wrong user name or password' })
  @ApiTooManyRequestsResponse({ description: 'too many login attempts' })
  async login(@Body(new ZodValidationPipe(loginSchema)) body: z.infer<typeof loginSchema>): Promise<LoginResult> {
    const result = await this.auth.login(body.username, body.password);
    if (!result) throw new UnauthorizedException('wrong user name or password');
    return result;
  }
}
