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
import type { Batch, Snapshot } from '@oar-live/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import { ReadGuard } from '../auth/guards';
import { ClusterStateService } from '../cluster/cluster-state.service';
import { MetricsService } from '../metrics/metrics.service';
import { LiveFeed, parseSince } from './live-feed.service';

/** Bytes an SSE client may leave unread before it is cut off (it reconnects with Last-Event-ID). */
export const MAX_SSE_BACKLOG_BYTES = 4 * 1024 * 1024;
const KEEPALIVE_MS = 25_000;

function sseMessage(event: 'changes' | 'snapshot', payload: Batch | Snapshot): string {
  return `id: ${payload.seq}\nevent: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
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
  @ApiQuery({ name: 'since', required: false, description: 'resume after this seq (missed batches, else a snapshot)' })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'resume after this seq (sent by EventSource on reconnect)',
  })
  @ApiOkResponse({
    description: '`event: snapshot` or the missed `event: changes`, then live `event: changes`; `id:` is the seq',
  })
  async events(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<void> {
    const unknown = Object.keys(query).filter((key) => key !== 'since');
    if (unknown.length > 0)
      throw new BadRequestException(`unknown query parameter ${unknown[0]}: only since is accepted`);
    const since =
      lastEventId !== undefined ? parseSince(lastEventId, 'Last-Event-ID') : parseSince(query.since, 'since');
    if (typeof since === 'object') throw new BadRequestException(since.error);
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
    req.on('close', () => {
      this.clients.delete(res);
      this.countClients();
    });
    await this.feed.resume(since, (start) => {
      if (res.writableEnded || req.destroyed) return;
      if (start.kind === 'snapshot') res.write(this.encodedSnapshot(start.snapshot));
      else for (const batch of start.batches) res.write(sseMessage('changes', batch));
      this.clients.add(res);
      this.countClients();
    });
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
