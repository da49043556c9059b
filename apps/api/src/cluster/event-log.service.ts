import { Injectable, Logger } from '@nestjs/common';
import type { Job, Node } from '@oar-live/oar-client';
import {
  canonicalSnapshot,
  EVENT_FORMAT,
  jobIdOf,
  nodeNameOf,
  type Batch,
  type LiveEvent,
  type Snapshot,
  type SourceStatus,
} from '@oar-live/shared';
import { Subject } from 'rxjs';
import { MetricsService } from '../metrics/metrics.service';
import { LiveRedis } from './redis.provider';

/** Batches stay in the stream at least this long (the contract asks for ≥ 5 minutes). */
export const BATCH_RETENTION_MS = 6 * 60_000;

/** Before the first poll: nothing known yet, and the source has not answered. */
export const EMPTY_SOURCE: SourceStatus = { status: 'down', error: 'OAR has not been polled yet' };

/** Thrown by `append` when a lease token was given and another process holds the lease now. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/**
 * One atomic step (Lua, so no other writer can interleave): check the lease, take the next seq,
 * apply the batch to the snapshot kept in Redis (hashes of node and job JSON, so only what changed
 * is written), append the batch to the stream under id `<seq>-1`, and trim entries older than the
 * retention window. The batch JSON is assembled from pre-serialised parts so Lua never re-encodes
 * (cjson would turn empty arrays into objects).
 * KEYS: seq, meta, nodes, jobs, stream, lease. ARGV: atJson, eventsJson, retentionMs, leaseToken,
 * sourceJson ('' = unchanged), then triples (op, field, json) with op n+ n- j+ j-.
 */
const APPEND_SCRIPT = `
if ARGV[4] ~= '' and redis.call('GET', KEYS[6]) ~= ARGV[4] then return -1 end
local seq = redis.call('INCR', KEYS[1])
for i = 6, #ARGV, 3 do
  local op, field = ARGV[i], ARGV[i + 1]
  if op == 'n+' then redis.call('HSET', KEYS[3], field, ARGV[i + 2])
  elseif op == 'n-' then redis.call('HDEL', KEYS[3], field)
  elseif op == 'j+' then redis.call('HSET', KEYS[4], field, ARGV[i + 2])
  elseif op == 'j-' then redis.call('HDEL', KEYS[4], field) end
end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[2], 'source', ARGV[5]) end
redis.call('HSET', KEYS[2], 'at', ARGV[1])
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local batch = '{"format":${EVENT_FORMAT},"seq":' .. seq .. ',"at":' .. ARGV[1] .. ',"events":' .. ARGV[2] .. '}'
redis.call('XADD', KEYS[5], seq .. '-1', 't', nowMs, 'b', batch)
local cutoff = nowMs - tonumber(ARGV[3])
for _ = 1, 1000 do
  local oldest = redis.call('XRANGE', KEYS[5], '-', '+', 'COUNT', 1)
  if #oldest == 0 or oldest[1][1] == seq .. '-1' or tonumber(oldest[1][2][2]) >= cutoff then break end
  redis.call('XDEL', KEYS[5], oldest[1][1])
end
return seq
`;

/** Nodes by name and jobs by id of `state`, built on first use (only deltas need them). */
function lazyIndex(state: Pick<Snapshot, 'nodes' | 'jobs'> | undefined) {
  let index: { nodes: Map<string, Node>; jobs: Map<number, Job> } | undefined;
  return () =>
    (index ??= {
      nodes: new Map(state?.nodes.map((node) => [node.name, node])),
      jobs: new Map(state?.jobs.map((job) => [job.id, job])),
    });
}

type StreamEntry = [id: string, fields: string[]];

/** The seq of a stream entry, from its id `<seq>-1`. */
export function seqOfEntry([id]: StreamEntry): number {
  return Number.parseInt(id, 10);
}

/** Parses the `b` field of a stream entry (fields are [t, ms, b, json]). */
export function batchOfEntry([, fields]: StreamEntry): Batch {
  return JSON.parse(fields[3]) as Batch;
}

/**
 * The event log: the ONE writer of batches (`append`), the replay window (`readSince`) and the
 * snapshot kept in Redis (`loadSnapshot`), so a restarted or second process answers at once and
 * `seq` survives restarts. Usable from any replica.
 */
@Injectable()
export class EventLogService {
  private readonly logger = new Logger(EventLogService.name);
  /** Batches this process appended, at once (other processes see them through the stream relay). */
  readonly appended$ = new Subject<Batch>();
  retentionMs = BATCH_RETENTION_MS;

  constructor(
    private readonly redis: LiveRedis,
    private readonly metrics: MetricsService,
  ) {
    redis.commands.defineCommand('oarLiveAppend', { numberOfKeys: 6, lua: APPEND_SCRIPT });
  }

  get keys() {
    const k = (name: string) => this.redis.key(name);
    return {
      seq: k('seq'),
      meta: k('meta'),
      nodes: k('nodes'),
      jobs: k('jobs'),
      stream: k('batches'),
      lease: k('leader'),
    };
  }

  /**
   * Appends one batch holding `events` (none → no batch, null). `at` defaults to now. With
   * `leaseToken`, the append happens only while that token holds the poller lease (fencing a
   * leader that lost its lease without noticing); otherwise it throws LeaseLostError.
   * `state` is the cluster after the batch: the snapshot kept in Redis takes the
   * whole node or job of a delta event from it, so batches with deltas need it.
   */
  async append(
    events: LiveEvent[],
    at = new Date().toISOString(),
    leaseToken = '',
    state?: Pick<Snapshot, 'nodes' | 'jobs'>,
  ): Promise<Batch | null> {
    if (events.length === 0) return null;
    const keys = this.keys;
    let source = '';
    const ops: string[] = [];
    const index = lazyIndex(state);
    for (const event of events) {
      switch (event.type) {
        case 'node.added':
        case 'node.changed': {
          const node = 'node' in event ? event.node : index().nodes.get(event.name);
          if (!node) throw new Error(`the new state of node ${nodeNameOf(event)} is needed to log its delta`);
          ops.push('n+', node.name, JSON.stringify(node));
          break;
        }
        case 'node.removed':
          ops.push('n-', event.name, '');
          break;
        case 'job.added':
        case 'job.changed': {
          const job = 'job' in event ? event.job : index().jobs.get(event.id);
          if (!job) throw new Error(`the new state of job ${jobIdOf(event)} is needed to log its delta`);
          ops.push('j+', String(job.id), JSON.stringify(job));
          break;
        }
        case 'job.removed':
          ops.push('j-', String(event.id), '');
          break;
        case 'source.status': {
          const { type: _type, ...status } = event;
          source = JSON.stringify(status);
          break;
        }
        case 'operation.updated':
          break;
      }
    }
    const client = this.redis.commands as unknown as {
      oarLiveAppend(...args: (string | number)[]): Promise<number>;
    };
    const seq = await client.oarLiveAppend(
      ...[keys.seq, keys.meta, keys.nodes, keys.jobs, keys.stream, keys.lease],
      JSON.stringify(at),
      JSON.stringify(events),
      this.retentionMs,
      leaseToken,
      source,
      ...ops,
    );
    if (seq === -1) throw new LeaseLostError('the poller lease is held by another process');
    const batch: Batch = { format: EVENT_FORMAT, seq, at, events };
    this.metrics.batchEvents.observe(events.length);
    this.appended$.next(batch);
    return batch;
  }

  /** The snapshot as Redis holds it now (one MULTI, so it is consistent with its seq). */
  async loadSnapshot(): Promise<Snapshot> {
    const keys = this.keys;
    const results = await this.redis.commands
      .multi()
      .get(keys.seq)
      .hgetall(keys.meta)
      .hvals(keys.nodes)
      .hvals(keys.jobs)
      .exec();
    const [[, seq], [, meta], [, nodes], [, jobs]] = results as [
      [unknown, string | null],
      [unknown, Record<string, string>],
      [unknown, string[]],
      [unknown, string[]],
    ];
    return canonicalSnapshot({
      format: EVENT_FORMAT,
      seq: Number(seq ?? 0),
      at: meta.at ? (JSON.parse(meta.at) as string) : new Date(0).toISOString(),
      source: meta.source ? (JSON.parse(meta.source) as SourceStatus) : EMPTY_SOURCE,
      nodes: nodes.map((json) => JSON.parse(json) as Node),
      jobs: jobs.map((json) => JSON.parse(json) as Job),
    });
  }

  /**
   * Every batch after `since`, in order, when the log still holds them all; null when `since` is
   * older than the window or ahead of the log (the caller sends a snapshot instead).
   */
  async readSince(since: number): Promise<Batch[] | null> {
    const keys = this.keys;
    const results = await this.redis.commands
      .multi()
      .get(keys.seq)
      .xrange(keys.stream, `${since + 1}-0`, '+')
      .exec();
    const [[, seqText], [, entries]] = results as [[unknown, string | null], [unknown, StreamEntry[]]];
    const seq = Number(seqText ?? 0);
    if (since > seq || since < 0) return null;
    if (since === seq) return [];
    const batches = entries.map(batchOfEntry);
    if (batches[0]?.seq !== since + 1) {
      this.logger.debug(`seq ${since} is older than the replay window`);
      return null;
    }
    return batches;
  }
}
