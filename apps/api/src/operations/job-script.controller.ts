import { Controller, ForbiddenException, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { hasRole } from '@oar-live/shared';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles, RolesGuard } from '../auth/guards';
import { ClusterAnnotations, SCRIPT_RETENTION_SECONDS } from '../cluster/cluster-annotations';
import { ApiErrors, ApiParamsOf } from '../common/openapi';
import { jobIdParams } from './action-requests';
import { ZodValidationPipe } from '../common/zod-validation.pipe';

/** The script a job runs, for the user who uploaded it and admins only (never in operation records). */
@ApiTags('actions')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/jobs')
@UseGuards(RolesGuard)
@Roles('user')
export class JobScriptController {
  constructor(private readonly annotations: ClusterAnnotations) {}

  @Get(':id/script')
  @ApiOperation({ summary: `The script uploaded for a job (kept ${SCRIPT_RETENTION_SECONDS / 86400} days)` })
  @ApiOkResponse({ description: '{ fileName, text }' })
  @ApiParamsOf(jobIdParams)
  @ApiErrors(
    [400, 'the id is not a positive integer'],
    [403, 'the job is another user’s'],
    [404, 'no script uploaded through oar-live is kept for the job'],
  )
  async script(
    @Param(new ZodValidationPipe(jobIdParams)) { id }: { id: number },
    @CurrentUser() user: AuthUser,
  ): Promise<{ fileName: string; text: string }> {
    const script = await this.annotations.script(id);
    if (!script) throw new NotFoundException(`job ${id} has no script uploaded through oar-live (or it is too old)`);
    if (script.owner !== user.oarLogin && !hasRole(user, 'admin'))
      throw new ForbiddenException(`job ${id} is ${script.owner}'s: only they and admins may read its script`);
    return { fileName: script.fileName, text: script.text };
  }
}
