import type { Operation } from '@oar-live/shared';
import type { Session, SessionUser } from './session';

/** An error answer of the API (`{statusCode, error, message}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface AcceptedOperation {
  operation: Operation;
}

/** Thin fetch wrapper: adds the session token, turns error bodies into ApiError with the API's message. */
export class ApiClient {
  constructor(
    private readonly session: Session,
    private readonly base = '',
  ) {}

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, undefined, signal);
  }

  post<T = AcceptedOperation>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T = AcceptedOperation>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T = AcceptedOperation>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async login(username: string, password: string): Promise<void> {
    const answer = await this.post<{ token: string; user: SessionUser }>('/api/auth/login', {
      username,
      password,
    });
    this.session.signIn(answer.token, answer.user);
  }

  private async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.session.token) headers.Authorization = `Bearer ${this.session.token}`;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await fetch(this.base + path, { method, headers, body: payload, signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(0, `cannot reach the server: ${(err as Error).message}`);
    }
    const text = await response.text();
    const json = text ? safeJson(text) : undefined;
    if (!response.ok) {
      if (response.status === 401 && this.session.token) this.session.signOut();
      throw new ApiError(response.status, errorMessage(json) ?? `${response.status} ${response.statusText}`);
    }
    return json as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body || undefined;
  const message = (body as { message?: unknown } | undefined)?.message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : undefined;
}
