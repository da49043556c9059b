import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';

const RENEW_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A lease in Redis (SET NX PX, renewed by its holder): the one process holding it polls OAR.
 * If the holder dies, the key expires after `ttlMs` and another process takes it on its next try.
 */
export class LeaderLease {
  readonly token = randomUUID();
  private held = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    readonly ttlMs = 4000,
  ) {}

  get isLeader(): boolean {
    return this.held;
  }

  /** Renews the lease when held, tries to take it otherwise. Returns whether this process holds it now. */
  async refresh(): Promise<boolean> {
    if (this.held) {
      this.held = (await this.redis.eval(RENEW_SCRIPT, 1, this.key, this.token, this.ttlMs)) === 1;
    } else {
      this.held = (await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX')) === 'OK';
    }
    return this.held;
  }

  async release(): Promise<void> {
    if (this.held) await this.redis.eval(RELEASE_SCRIPT, 1, this.key, this.token);
    this.held = false;
  }

  /** Called when a fenced write found the lease held elsewhere. */
  lost(): void {
    this.held = false;
  }
}
