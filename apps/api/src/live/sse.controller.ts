import {
  BadRequestException,
  Controller,
  Get,
  Headers,
  Query,
  Req,
  Res,
  UseGuards,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import type { Batch, Snapshot } from '@oar-live/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import { bearerToken, ReadGuard } from '../auth/guards';
import { ClusterStateService } from '../cluster/cluster-state.service';
import { MetricsService } from '../metrics/metrics.service';
import { LiveFeed, parseEpoch, parseSince, type ResumePoint } from './live-feed.service';
import { LiveSessions } from './live-sessions';

/** Bytes an SSE client may leave unread before it is cut off (it reconnects with Last-Event-ID). */
export const MAX_SSE_BACKLOG_BYTES = 4 * 1024 * 1024;
const KEEPALIVE_MS = 25_000;
const SEQ = { type: 'string', pattern: '^\\d+$' } as const;
const EPOCH = { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' } as const;
const EVENT_ID = { type: 'string', pattern: '^([A-Za-z0-9-]{0,64}:)?\\d+$' } as const;

/** `id:` names both the history and the seq, so EventSource's Last-Event-ID resumes in the right one. */
function sseMessage(event: 'changes' | 'snapshot', payload: Batch | Snapshot): string {
  return `id: ${payload.epoch}:${payload.seq}\nevent: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** Last-Event-ID is `<epoch>:<seq>` (or a bare seq, as older servers sent). */
function parseLastEventId(value: string): ResumePoint | { error: string } {
  const match = /^(?:([^:]*):)?([^:]*)$/.exec(value);
  const since = parseSince(match?.[2], 'Last-Event-ID');
  const epoch = parseEpoch(match?.[1], 'Last-Event-ID');
  if (!match || typeof since === 'object' || since === undefined)
    return { error: `Last-Event-ID must be <epoch>:<seq> as sent in id: (got ${JSON.stringify(value)})` };
  if (typeof epoch === 'object') return epoch;
  return { since, epoch };
}

/**
 * `GET /api/events`: the same batches as the socket, as Server-Sent Events. Written by hand on the
 * response (not Nest's @Sse) so each batch is serialised once for all clients, and a client that
 * stops reading is cut off instead of growing the server's memory.
 */
@ApiTags('live')
@Controller('api/events')
export class SseController implements OnModuleDestroy {
  private readonly clients = new Set<ServerResponse>();
  private readonly subscriptions: Subscription[];
  private readonly keepalive: NodeJS.Timeout;
  /** The last snapshot message: subscribers connecting between two batches share one encoding. */
  private snapshotMessage?: { snapshot: Snapshot; bytes: Buffer };

  constructor(
    private readonly state: ClusterStateService,
    private readonly feed: LiveFeed,
    private readonly metrics: MetricsService,
    private readonly sessions: LiveSessions,
  ) {
    this.subscriptions = [
      state.batches$.subscribe((batch) => this.send(() => sseMessage('changes', batch))),
      state.resync$.subscribe((snapshot) => this.send(() => sseMessage('snapshot', snapshot))),
    ];
    this.keepalive = setInterval(() => this.send(() => ': keepalive\n\n'), KEEPALIVE_MS);
    this.keepalive.unref();
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    clearInterval(this.keepalive);
    for (const res of this.clients) res.end();
  }

  @Get()
  @UseGuards(ReadGuard)
  @ApiProduces('text/event-stream')
  @ApiQuery({
    name: 'since',
    required: false,
    description: 'resume after this seq (missed batches, else a snapshot)',
    schema: SEQ,
  })
  @ApiQuery({
    name: 'epoch',
    required: false,
    description: 'the epoch `since` belongs to (another epoch: a snapshot)',
    schema: EPOCH,
  })
  @ApiHeader({
    // As Nest's @Headers('last-event-id') names it, so it is one parameter.
    name: 'last-event-id',
    required: false,
    schema: EVENT_ID,
    description: 'resume after this `<epoch>:<seq>` (sent by EventSource on reconnect)',
  })
  @ApiOkResponse({
    description:
      '`event: snapshot` or the missed `event: changes`, then live `event: changes` (and `event: snapshot` again after a resync); `id:` is `<epoch>:<seq>`; `event: session.ended` (data: `{reason}`) when the token expires or is revoked, then the stream ends',
  })
  @ApiErrors([400, 'since, epoch or Last-Event-ID is not a position in the stream, or an unknown query parameter'], 401)
  async events(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<void> {
    const unknown = Object.keys(query).filter((key) => key !== 'since' && key !== 'epoch');
    if (unknown.length > 0)
      throw new BadRequestException(`unknown query parameter ${unknown[0]}: only since and epoch are accepted`);
    const resume = lastEventId !== undefined ? parseLastEventId(lastEventId) : this.parseQuery(query);
    if ('error' in resume) throw new BadRequestException(resume.error);
    // The stream is written on the raw response; it keeps the headers set so far (helmet's).
    reply.hijack();
    const req = request.raw;
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const stopWatching = await this.sessions.track(bearerToken(request), (reason) => {
      this.clients.delete(res);
      res.end(`event: session.ended\ndata: ${JSON.stringify({ reason })}\n\n`);
    });
    req.on('close', () => {
      stopWatching();
      this.clients.delete(res);
      this.countClients();
    });
    await this.feed.resume(resume, (start) => {
      if (res.writableEnded || req.destroyed) return;
      if (start.kind === 'snapshot') res.write(this.encodedSnapshot(start.snapshot));
      else for (const batch of start.batches) res.write(sseMessage('changes', batch));
      this.clients.add(res);
      this.countClients();
    });
  }

  private parseQuery(query: Record<string, unknown>): ResumePoint | { error: string } {
    const since = parseSince(query.since, 'since');
    const epoch = parseEpoch(query.epoch, 'epoch');
    if (typeof since === 'object') return since;
    if (typeof epoch === 'object') return epoch;
    return { since, epoch };
  }

  private encodedSnapshot(snapshot: Snapshot): Buffer {
    if (this.snapshotMessage?.snapshot !== snapshot)
      this.snapshotMessage = { snapshot, bytes: Buffer.from(sseMessage('snapshot', snapshot)) };
    return this.snapshotMessage.bytes;
  }

  /** Serialises (once) only when someone listens. */
  private send(format: () => string): void {
    if (this.clients.size === 0) return;
    const message = format();
    for (const res of this.clients) {
      if (res.writableLength > MAX_SSE_BACKLOG_BYTES) {
        this.clients.delete(res);
        res.destroy();
      } else {
        res.write(message);
      }
    }
  }

  private countClients(): void {
    this.metrics.subscribers.set({ transport: 'sse' }, this.clients.size);
  }
}
