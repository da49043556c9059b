import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

/** Wrong passwords for one account from one address before each further try must wait. */
export const FREE_FAILURES = 5;
/** The first wait; it doubles with each further failure, up to MAX_BACKOFF_MS. */
export const FIRST_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 60_000;
/** Failed logins (any account) one address may make in ADDRESS_WINDOW_MS; successes never count. */
export const ADDRESS_FAILURE_LIMIT = 100;
export const ADDRESS_WINDOW_MS = 60_000;

/** Accounts × addresses, and addresses, remembered; the least recently seen are forgotten first. */
const KEYS_KEPT = 100_000;

interface AccountFailures {
  count: number;
  /** Before this time the next try of this account from this address is refused. */
  blockedUntilMs: number;
}

/**
 * Brute-force brake on POST /api/auth/login. Written here rather than with @nestjs/throttler: the
 * throttler runs as a guard, before the body is validated (it choked on a nested body), counts every
 * attempt, successes too, and cannot be cleared by a correct login; a fixed window of 10 per minute
 * locked the real user out for a minute after someone else's guesses.
 *
 * - Per account and client address: FREE_FAILURES wrong passwords, then an exponential back-off (1 s,
 *   2 s, … 60 s) before each further try; a correct login clears it. Guesses from elsewhere never
 *   delay the user's own address.
 * - Per client address: ADDRESS_FAILURE_LIMIT failed logins a minute (password spraying over many
 *   accounts); correct logins are not counted, so people behind one address who know their password
 *   do not use it up. Behind a reverse proxy set OAR_LIVE_TRUST_PROXY, or every client is the proxy.
 *
 * Counters live in process memory: with several replicas each one brakes on its own.
 */
@Injectable()
export class LoginBrake {
  private readonly accounts = new LRUCache<string, AccountFailures>({ max: KEYS_KEPT });
  private readonly addresses = new LRUCache<string, number[]>({ max: KEYS_KEPT });

  /** Milliseconds this try must wait (refused until then), or 0 when it may go ahead. */
  waitMs(account: string, address: string): number {
    const now = Date.now();
    const accountWait = (this.accounts.get(accountKey(account, address))?.blockedUntilMs ?? 0) - now;
    const failures = this.recentFailures(address, now);
    const addressWait = failures.length >= ADDRESS_FAILURE_LIMIT ? failures[0] + ADDRESS_WINDOW_MS - now : 0;
    return Math.max(0, accountWait, addressWait);
  }

  failed(account: string, address: string): void {
    const now = Date.now();
    const key = accountKey(account, address);
    const count = (this.accounts.get(key)?.count ?? 0) + 1;
    const backoff =
      count < FREE_FAILURES ? 0 : Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (count - FREE_FAILURES));
    this.accounts.set(key, { count, blockedUntilMs: now + backoff });
    const failures = this.recentFailures(address, now);
    failures.push(now);
    this.addresses.set(address, failures.slice(-ADDRESS_FAILURE_LIMIT));
  }

  succeeded(account: string, address: string): void {
    this.accounts.delete(accountKey(account, address));
  }

  private recentFailures(address: string, now: number): number[] {
    return (this.addresses.get(address) ?? []).filter((at) => at > now - ADDRESS_WINDOW_MS);
  }
}

function accountKey(account: string, address: string): string {
  return `${address}|${account}`;
}
