import { Inject, Injectable } from '@nestjs/common';
import { UTILISATION_SERIES, type UtilisationSample } from '@oar-live/shared';
import { LiveRedis } from '../cluster/redis.provider';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { redisKeyPrefixes } from '../config/redis-options';

const DAY_MS = 86_400_000;

/**
 * The utilisation samples in one Redis stream, entry id = the sample's minute (`<epoch ms>-0`). A
 * stream because its ids give both properties for free: a second replica recording the same minute
 * is refused (ids only grow), and `MINID` trims everything older than the retention on each append
 * (exactly, not `~`: at one append a minute the cost is nothing, and the bound holds to the minute).
 */
@Injectable()
export class UtilisationStore {
  private readonly key: string;
  readonly retentionMs: number;

  constructor(
    private readonly redis: LiveRedis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.key = redisKeyPrefixes(config).utilisation;
    this.retentionMs = config.OAR_LIVE_UTILISATION_DAYS * DAY_MS;
  }

  /** Appends `sample`; false when its minute (or a later one) is already recorded. */
  async record(sample: UtilisationSample): Promise<boolean> {
    const fields = UTILISATION_SERIES.flatMap((name) => [name, String(sample[name])]);
    try {
      await this.redis.commands.xadd(this.key, 'MINID', sample.at - this.retentionMs, `${sample.at}-0`, ...fields);
      return true;
    } catch (err) {
      if (/equal or smaller than the target stream top item/.test(String(err))) return false;
      throw err;
    }
  }

  /** Samples taken from `from` to `to` (epoch ms, both included), oldest first. */
  async range(from: number, to: number): Promise<UtilisationSample[]> {
    const entries = await this.redis.commands.xrange(this.key, String(Math.max(0, from)), String(to));
    return entries.map(([id, fields]) => {
      const sample = { at: Number(id.split('-')[0]) } as UtilisationSample;
      for (let i = 0; i < fields.length; i += 2)
        if ((UTILISATION_SERIES as readonly string[]).includes(fields[i]))
          sample[fields[i] as (typeof UTILISATION_SERIES)[number]] = Number(fields[i + 1]);
      return sample;
    });
  }
}
