import { hasRole, type Actor, type Role } from '@oar-live/shared';

export interface SessionUser {
  name: string;
  roles: Role[];
  /** The OAR login the user acts as (older sessions lack it: then their name). */
  oarLogin?: string;
}

interface StoredSession {
  token: string;
  user: SessionUser;
}

const STORAGE_KEY = 'oar-live.session';

/** Who is signed in. The token lives in localStorage so a kiosk survives a reload. */
export class Session {
  private current: StoredSession | null;
  private ended: string | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null = null) {
    this.current = readStored(storage);
  }

  /** Why the last session ended without the user signing out (a sentence from the server), until the next sign-in. */
  get endedReason(): string | undefined {
    return this.ended;
  }

  get token(): string | undefined {
    return this.current?.token;
  }

  get user(): SessionUser | null {
    return this.current?.user ?? null;
  }

  /** Who acts, for the shared action rules (libs/shared action-rules); null when signed out. */
  get actor(): Actor | null {
    const user = this.current?.user;
    if (!user) return null;
    return { oarLogin: user.oarLogin ?? user.name, roles: user.roles };
  }

  /** Viewing needs no sign-in; anything more needs a role at least as high (viewer < user < admin). */
  can(role: Role): boolean {
    return role === 'viewer' || hasRole({ roles: this.current?.user.roles ?? [] }, role);
  }

  signIn(token: string, user: SessionUser): void {
    this.current = { token, user };
    this.ended = undefined;
    this.storage?.setItem(STORAGE_KEY, JSON.stringify(this.current));
    this.emit();
  }

  /** `endedReason`: the server ended the session (token expired or revoked), said to the user. */
  signOut(endedReason?: string): void {
    this.current = null;
    this.ended = endedReason;
    this.storage?.removeItem(STORAGE_KEY);
    this.emit();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

function readStored(storage: Pick<Storage, 'getItem'> | null): StoredSession | null {
  try {
    const parsed = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null') as StoredSession | null;
    return parsed && typeof parsed.token === 'string' && parsed.user ? parsed : null;
  } catch {
    return null;
  }
}
