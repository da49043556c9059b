import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { getRounds, hashSync } from 'bcryptjs';
import { Subject } from 'rxjs';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { parseUsersFile, type UserRecord } from './users-file';

/** How often the users file's mtime is checked. */
const WATCH_INTERVAL_MS = 500;

/**
 * The users oar-live knows, from the YAML file named by OAR_LIVE_USERS, re-read when it changes.
 * A bad edit keeps the last good list (and is logged). Without a file there is one `admin` with a
 * random password, readable once through `bootstrapAdminPassword` so `npm start` can print it.
 */
@Injectable()
export class UsersService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(UsersService.name);
  private users = new Map<string, UserRecord>();
  private generatedPassword: string | undefined;
  private reloadError: string | undefined;
  /** A hash of a random password, of the cost most users' hashes have: see passwordHashOf. */
  private dummyHash = '';
  private readonly dummyHashes = new Map<number, string>();
  private readonly changes = new Subject<void>();
  /** The file's identity when it was last read: a change to any part of it triggers a re-read. */
  private readSignature = '';
  private watchTimer: NodeJS.Timeout | undefined;
  /** Emits after the users file was re-read and its new content is in force. */
  readonly changes$ = this.changes.asObservable();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    const path = this.config.OAR_LIVE_USERS;
    if (!path) {
      this.generatedPassword = randomBytes(18).toString('base64url');
      this.setUsers([{ name: 'admin', password: hashSync(this.generatedPassword, 10), roles: ['admin'] }]);
      return;
    }
    // A broken file at boot is a configuration error: fail fast with the reason.
    this.setUsers(this.readFile(path));
    // Polls stat against what was last read, by hand rather than with fs.watchFile: watchFile takes
    // its first stat asynchronously, so an edit made right after boot was compared with itself and
    // missed; and fs.watch loses editors that replace the file by rename. unref: never keeps the
    // process alive.
    this.watchTimer = setInterval(() => {
      if (fileSignature(path) !== this.readSignature) this.reload(path);
    }, WATCH_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    this.changes.complete();
    clearInterval(this.watchTimer);
  }

  /** The generated admin password, returned once (then forgotten); undefined when a users file is used. */
  bootstrapAdminPassword(): string | undefined {
    const password = this.generatedPassword;
    this.generatedPassword = undefined;
    return password;
  }

  /** Why the last change to the users file was refused; undefined once a good version is loaded. */
  lastReloadError(): string | undefined {
    return this.reloadError;
  }

  find(name: string): UserRecord | undefined {
    return this.users.get(name);
  }

  /**
   * The hash to check a login's password against: the user's, or for an unknown name a dummy hash of
   * the same cost, so a wrong name takes as long as a wrong password (user names cannot be guessed
   * from the time the answer takes).
   */
  passwordHashOf(name: string): string {
    return this.users.get(name)?.password ?? this.dummyHash;
  }

  private reload(path: string): void {
    try {
      this.setUsers(this.readFile(path));
      this.reloadError = undefined;
      this.logger.log(`users file reloaded: ${this.users.size} users`);
      this.changes.next();
    } catch (err) {
      this.reloadError = (err as Error).message;
      this.logger.error(`users file not reloaded, keeping the previous ${this.users.size} users: ${this.reloadError}`);
    }
  }

  private readFile(path: string): UserRecord[] {
    this.readSignature = fileSignature(path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`OAR_LIVE_USERS: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    try {
      return parseUsersFile(text);
    } catch (err) {
      throw new Error(`OAR_LIVE_USERS: ${path}: ${(err as Error).message}`);
    }
  }

  private setUsers(users: UserRecord[]): void {
    this.users = new Map(users.map((user) => [user.name, user]));
    this.dummyHash = this.dummyHashOfCost(mostCommon(users.map((user) => getRounds(user.password))));
  }

  private dummyHashOfCost(cost: number): string {
    let hash = this.dummyHashes.get(cost);
    if (!hash) {
      hash = hashSync(randomBytes(18).toString('base64url'), cost);
      this.dummyHashes.set(cost, hash);
    }
    return hash;
  }
}

/** What changes when the file is edited or replaced ('' when it cannot be read). */
function fileSignature(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  } catch {
    return '';
  }
}

/** The most frequent of a non-empty list of numbers (the first of equals); 10 for an empty one. */
function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: [number, number] = [10, 0];
  for (const entry of counts) if (entry[1] > best[1]) best = entry;
  return best[0];
}
