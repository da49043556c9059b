import { Controller, ForbiddenException, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { hasRole, type AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, RolesGuard } from '../auth/guards';
import { ClusterAnnotations, SCRIPT_RETENTION_SECONDS } from '../cluster/cluster-annotations';
import { jobIdParam } from './action-requests';
import { ZodValidationPipe } from './zod-validation.pipe';

/** The script a job runs, for the user who uploaded it and admins only (never in operation records). */
@ApiTags('actions')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or bad token' })
@Controller('api/jobs')
@UseGuards(RolesGuard)
@Roles('user')
export class JobScriptController {
  constructor(private readonly annotations: ClusterAnnotations) {}

  @Get(':id/script')
  @ApiOperation({ summary: `The script uploaded for a job (kept ${SCRIPT_RETENTION_SECONDS / 86400} days)` })
  @ApiOkResponse({ description: '{ fileName, text }' })
  @ApiForbiddenResponse({ description: 'the job is another user’s' })
  @ApiNotFoundResponse({ description: 'no script uploaded through oar-live is kept for the job' })
  async script(
    @Param('id', new ZodValidationPipe(jobIdParam)) id: number,
    @CurrentUser() user: AuthUser,
  ): Promise<{ fileName: string; text: string }> {
    const script = await this.annotations.script(id);
    if (!script) throw new NotFoundException(`job ${id} has no script uploaded through oar-live (or it is too old)`);
    if (script.owner !== user.oarLogin && !hasRole(user, 'admin'))
      throw new ForbiddenException(`job ${id} is ${script.owner}'s: only they and admins may read its script`);
    return { fileName: script.fileName, text: script.text };
  }
}
