import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { AuthService } from '../auth/auth.service';
import { UsersService } from '../auth/users.service';

/** What a closed live connection tells its client (Socket.IO `session.ended`, SSE `event: session.ended`). */
export const SESSION_EXPIRED = 'your login token expired: sign in again';
export const SESSION_REVOKED =
  'your login was revoked (your password or roles changed, or your account was removed): sign in again';

/** setTimeout's largest delay; a later expiry is checked again when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface TrackedConnection {
  token: string;
  expiresAtMs: number;
  close: (reason: string) => void;
  timer?: NodeJS.Timeout;
}

/**
 * Ends signed-in live connections (sockets, SSE streams) when their token expires or is revoked by a
 * change to the users file; requests are checked one by one, but a stream would otherwise outlive
 * its token. Anonymous connections are not tracked.
 */
@Injectable()
export class LiveSessions implements OnModuleDestroy {
  private readonly open = new Set<TrackedConnection>();
  private readonly usersChanged: Subscription;

  constructor(
    private readonly auth: AuthService,
    users: UsersService,
  ) {
    this.usersChanged = users.changes$.subscribe(() => void this.recheckAll());
  }

  onModuleDestroy(): void {
    this.usersChanged.unsubscribe();
    for (const connection of this.open) clearTimeout(connection.timer);
    this.open.clear();
  }

  /**
   * Watches a connection admitted with `token` (none: anonymous, nothing to watch): `close` is called
   * once, with the reason, when the token expires or is revoked (at once if it already is). Returns
   * the function that stops watching (call it when the connection ends on its own).
   */
  async track(token: string | undefined, close: (reason: string) => void): Promise<() => void> {
    if (!token) return () => undefined;
    const session = await this.auth.session(token);
    if (!session) {
      close(SESSION_REVOKED);
      return () => undefined;
    }
    const connection: TrackedConnection = { token, expiresAtMs: session.expiresAtMs, close };
    this.armExpiry(connection);
    this.open.add(connection);
    return () => this.forget(connection);
  }

  private armExpiry(connection: TrackedConnection): void {
    const delay = Math.max(0, connection.expiresAtMs - Date.now());
    connection.timer = setTimeout(
      () => (delay > MAX_TIMER_MS ? this.armExpiry(connection) : this.end(connection, SESSION_EXPIRED)),
      Math.min(delay, MAX_TIMER_MS),
    ).unref();
  }

  private async recheckAll(): Promise<void> {
    for (const connection of [...this.open]) {
      if (!(await this.auth.session(connection.token))) this.end(connection, SESSION_REVOKED);
    }
  }

  private end(connection: TrackedConnection, reason: string): void {
    if (!this.open.has(connection)) return;
    this.forget(connection);
    connection.close(reason);
  }

  private forget(connection: TrackedConnection): void {
    clearTimeout(connection.timer);
    this.open.delete(connection);
  }
}
