import { ForbiddenException, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { OarClient, OarNotFoundError } from '@oar-live/oar-client';
import { hasRole } from '@oar-live/shared';
import type { AuthUser } from '../auth/auth-user';
import { ClusterStateService } from '../cluster/cluster-state.service';
import { explainFailure } from '../common/oar-messages';
import type { JobTarget } from './operation-job';

/**
 * Who owns the jobs a user wants to act on, and so the OAR login to act as: the user's own, or
 * the owner's when an admin acts on another user's job. Reads the live snapshot first; jobs not in
 * it (just submitted, or finished) are asked of OAR.
 */
@Injectable()
export class JobOwnership {
  private readonly logger = new Logger(JobOwnership.name);

  constructor(
    private readonly cluster: ClusterStateService,
    private readonly oar: OarClient,
  ) {}

  /**
   * 403 when a non-admin names another user's job. Unknown ids: 404 when `requireKnown` (a single
   * job), otherwise kept as targets acted on as the caller (OAR then reports each one).
   */
  async targets(ids: readonly number[], actor: AuthUser, requireKnown: boolean): Promise<JobTarget[]> {
    const known = new Map(this.cluster.current().jobs.map((job) => [job.id, job.user]));
    const owners = await Promise.all(ids.map(async (id) => known.get(id) ?? (await this.askOar(id, actor))));
    const unknown = ids.filter((_, i) => owners[i] === undefined);
    if (requireKnown && unknown.length > 0) throw new NotFoundException(`id: job ${unknown.join(', ')} not found`);
    const admin = hasRole(actor, 'admin');
    const foreign = ids.filter((_, i) => owners[i] !== undefined && owners[i] !== actor.oarLogin);
    if (!admin && foreign.length > 0) {
      throw new ForbiddenException(
        `ids: job ${foreign.join(', ')} belongs to another user; only its owner or an admin may act on it`,
      );
    }
    return ids.map((id, i) => ({ id, as: owners[i] ?? actor.oarLogin }));
  }

  private async askOar(id: number, actor: AuthUser): Promise<string | undefined> {
    try {
      return (await this.oar.jobs.get(id, { as: actor.oarLogin })).user;
    } catch (err) {
      if (err instanceof OarNotFoundError) return undefined;
      const { message, detail } = explainFailure(`The owner of job ${id} could not be checked`, err);
      this.logger.warn(`${message} ${detail ?? ''}`);
      throw new ServiceUnavailableException(message);
    }
  }
}
