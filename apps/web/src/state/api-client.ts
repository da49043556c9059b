import type { Job } from '@oar-live/oar-client';
import type {
  AcceptedOperation,
  CreateNodesRequest,
  JobActionsRequest,
  JobHistoryPage,
  JobHistorySummary,
  NodeStateHistory,
  LoginAnswer,
  LoginRequest,
  NodeActionsRequest,
  Operation,
  OperationList,
  PredictionAccuracy,
  WaitExplanation,
  UtilisationColumns,
} from '@oar-live/shared';
import type { Session } from './session';

/** An error answer of the API (`{statusCode, error, message}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A job submission: the JSON fields, or a form carrying the same fields and the `script` file. */
export type JobSubmission = Record<string, unknown> | FormData;

/**
 * The REST API by resource (docs/http-api.md), with the request and answer types of libs/shared: a thin
 * fetch wrapper that adds the session token and turns error bodies into ApiError with the API's message.
 */
export class ApiClient {
  constructor(
    private readonly session: Session,
    private readonly base = '',
  ) {}

  readonly jobs = {
    get: (id: number, signal?: AbortSignal) => this.request<Job>('GET', `/api/jobs/${id}`, undefined, signal),
    /** Why the job waits, in sentences. */
    why: (id: number, signal?: AbortSignal) =>
      this.request<WaitExplanation>('GET', `/api/jobs/${id}/why`, undefined, signal),
    /** The last lines of a job's stdout or stderr, read through OAR: its owner only. */
    output: (id: number, stream: 'stdout' | 'stderr', lines = 100) =>
      this.request<{ file: string; text: string }>('GET', `/api/jobs/${id}/output?stream=${stream}&lines=${lines}`),
    /** The uploaded script of a job: its owner and admins only. */
    script: (id: number) => this.request<{ text: string }>('GET', `/api/jobs/${id}/script`),
    submit: (submission: JobSubmission) => this.request<AcceptedOperation>('POST', '/api/jobs', submission),
    act: (request: JobActionsRequest) => this.request<AcceptedOperation>('POST', '/api/jobs/actions', request),
  };

  readonly nodes = {
    create: (request: CreateNodesRequest) => this.request<AcceptedOperation>('POST', '/api/nodes', request),
    act: (request: NodeActionsRequest) => this.request<AcceptedOperation>('POST', '/api/nodes/actions', request),
  };

  /** The finished jobs that ran in a window (the Gantt's past). */
  finishedJobs(from: Date, to: Date, signal?: AbortSignal) {
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    return this.request<Job[]>('GET', `/api/gantt/finished?${query}`, undefined, signal);
  }

  /** How far OAR's predicted starts were from the real ones. */
  predictions(signal?: AbortSignal) {
    return this.request<PredictionAccuracy>('GET', '/api/predictions', undefined, signal);
  }
  readonly history = {
    /** Finished jobs (query: from, to, user, queue, state, name, limit, offset; see docs/http-api.md). */
    jobs: (query: URLSearchParams, signal?: AbortSignal) =>
      this.request<JobHistoryPage>('GET', `/api/history/jobs?${query}`, undefined, signal),
    summary: (query: URLSearchParams, signal?: AbortSignal) =>
      this.request<JobHistorySummary>('GET', `/api/history/summary?${query}`, undefined, signal),
    node: (name: string, signal?: AbortSignal) =>
      this.request<NodeStateHistory>('GET', `/api/history/nodes/${encodeURIComponent(name)}`, undefined, signal),
  };

  readonly operations = {
    list: (signal?: AbortSignal, target?: string) =>
      this.request<OperationList>(
        'GET',
        `/api/operations${target ? `?target=${encodeURIComponent(target)}` : ''}`,
        undefined,
        signal,
      ),
    /** One operation with its per-target results (live events carry only its progress). */
    get: (id: string) => this.request<Operation>('GET', `/api/operations/${encodeURIComponent(id)}`),
  };

  readonly utilisation = {
    /** Cores and jobs once a minute over the last `hours`. */
    get: (hours: number) => this.request<UtilisationColumns>('GET', `/api/utilisation?hours=${hours}`),
  };

  async login(username: string, password: string): Promise<void> {
    const credentials: LoginRequest = { username, password };
    const answer = await this.request<LoginAnswer>('POST', '/api/auth/login', credentials);
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
