import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { openApiSchema } from '../common/openapi';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { OarClient } from '@oar-live/oar-client';
import type { FastifyReply } from 'fastify';
import { ClusterStateService, type StreamRestart } from '../cluster/cluster-state.service';
import { RedisPing } from './redis-ping';

/** How long each dependency may take to answer before it counts as down. */
export const HEALTH_TIMEOUT_MS = 2000;

/**
 * `{status, oar: {status}, redis: {status}}` (design §4), the same shape on 200 and on 503, plus the
 * event stream this process serves: its epoch and seq, and the last time it had to restart it.
 */
export interface HealthBody {
  status: 'ok' | 'error';
  oar: { status: 'up' | 'down'; message?: string };
  redis: { status: 'up' | 'down'; message?: string };
  stream: { epoch: string; seq: number; restarted?: StreamRestart };
}

const HEALTH = openApiSchema(z.looseObject({ status: z.enum(['ok', 'error']) }));

@ApiTags('operability')
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly oar: OarClient,
    private readonly redis: RedisPing,
    private readonly state: ClusterStateService,
  ) {}

  @Get()
  @ApiOkResponse({
    description: '{ status: "ok", oar: { status: "up" }, redis: { status: "up" }, stream: { epoch, seq, restarted? } }',
    schema: HEALTH,
  })
  @ApiServiceUnavailableResponse({
    description: 'Same shape, status "error"; the dependency that is down says why',
    schema: HEALTH,
  })
  async check(@Res({ passthrough: true }) res: FastifyReply): Promise<HealthBody> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check([
        () => this.probe('oar', () => this.oar.version({ timeoutMs: HEALTH_TIMEOUT_MS })),
        () => this.probe('redis', () => this.redis.ping(HEALTH_TIMEOUT_MS)),
      ]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      result = err.getResponse() as HealthCheckResult;
      void res.status(HttpStatus.SERVICE_UNAVAILABLE);
    }
    const details = result.details as HealthBody & Record<string, unknown>;
    const { epoch, seq } = this.state.current();
    const restarted = this.state.lastRestart;
    return {
      status: result.status === 'ok' ? 'ok' : 'error',
      oar: details.oar,
      redis: details.redis,
      stream: { epoch, seq, ...(restarted && { restarted }) },
    };
  }

  private async probe(key: 'oar' | 'redis', call: () => Promise<unknown>): Promise<HealthIndicatorResult> {
    const indicator = this.indicator.check(key);
    try {
      await call();
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}
