/**
 * One side of the contract run: raw HTTP against an OAR API root (the real sandbox or oar-sim),
 * recording every step (status, content type, parsed body) so both sides can be compared.
 * node:http, not fetch: fetch refuses port 6668 (a Fetch-standard "bad port"), the sandbox's.
 */
import { request } from 'node:http';

export interface Target {
  name: string;
  /** e.g. http://127.0.0.1:6668/oarapi */
  url: string;
}

export interface Step {
  name: string;
  status: number;
  contentType: string | null;
  /** Parsed JSON, `{ html: title }` for Apache's HTML pages, `{ text: first line }` otherwise. */
  body: unknown;
  /** For job-following steps: the distinct states seen, in order. */
  states?: string[];
  /** Key paths whose value may be null on one side (timing), see json-shape. */
  nullable?: string[];
  /** Error messages known to differ in wording (listed in libs/oar-sim/README.md). */
  messageMayDiffer?: boolean;
  /** Event types one side may have and the other not (timing: a late reservation start). */
  eventsMayDiffer?: string[];
}

export interface CallOptions {
  method?: string;
  /** X-Remote-Ident on /oarapi. */
  user?: string;
  /** Basic credentials on /oarapi-priv. */
  basic?: [string, string];
  /** Use /oarapi-priv without credentials. */
  priv?: boolean;
  json?: unknown;
  form?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
  nullable?: string[];
  messageMayDiffer?: boolean;
  eventsMayDiffer?: string[];
}

const FINAL = new Set(['Terminated', 'Error']);
const POLL_MS = 150;

export class Session {
  readonly steps: Step[] = [];

  constructor(readonly target: Target) {}

  async call(name: string, path: string, options: CallOptions = {}): Promise<Step> {
    const headers: Record<string, string> = { ...options.headers };
    let body = options.body;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    if (options.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    if (options.user) headers['X-Remote-Ident'] = options.user;
    if (options.basic) headers.Authorization = 'Basic ' + Buffer.from(options.basic.join(':')).toString('base64');
    const root = options.basic || options.priv ? `${this.target.url}-priv` : this.target.url;
    const res = await send(root + path, options.method ?? 'GET', headers, body);
    const step: Step = {
      name,
      status: res.status,
      contentType: res.contentType,
      body: parse(res.text),
      nullable: options.nullable,
      messageMayDiffer: options.messageMayDiffer,
      eventsMayDiffer: options.eventsMayDiffer,
    };
    this.steps.push(step);
    return step;
  }

  /**
   * Polls a job until it is Terminated or Error and records the distinct states seen. `nullable`:
   * fields that may already be cleared on one side when the final state is first seen.
   */
  async follow(name: string, id: number, user: string, nullable: string[] = [], timeoutMs = 90000): Promise<Step> {
    const states: string[] = [];
    const deadline = Date.now() + timeoutMs;
    let last: { status: number; contentType: string | null; body: unknown } | undefined;
    while (Date.now() < deadline) {
      const res = await send(`${this.target.url}/jobs/${id}.json`, 'GET', { 'X-Remote-Ident': user });
      last = { status: res.status, contentType: res.contentType, body: parse(res.text) };
      const state = (last.body as { state?: string }).state ?? `HTTP ${res.status}`;
      if (states[states.length - 1] !== state) states.push(state);
      if (FINAL.has(state)) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const step: Step = { name, ...last!, states, nullable };
    this.steps.push(step);
    return step;
  }

  /** Records a value this side computed (compared as text with the other side's). */
  note(name: string, value: unknown): void {
    this.steps.push({ name, status: 0, contentType: null, body: { text: JSON.stringify(value) } });
  }

  /** Polls until OAR's Gantt has a place for the job (bounded); returns the job; not recorded. */
  async waitForPlan(id: number, user: string, timeoutMs = 30000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await send(`${this.target.url}/jobs/${id}/details.json`, 'GET', { 'X-Remote-Ident': user });
      const job = parse(res.text) as Record<string, unknown>;
      if (typeof job.scheduled_start === 'number') return job;
      if (Date.now() > deadline) throw new Error(`${this.target.name}: job ${id} not planned in time`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Polls until the job is in `state` (bounded); not recorded. */
  async waitFor(id: number, user: string, state: string, timeoutMs = 60000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await send(`${this.target.url}/jobs/${id}.json`, 'GET', { 'X-Remote-Ident': user });
      const job = parse(res.text) as { state?: string };
      if (job.state === state) return;
      if (Date.now() > deadline)
        throw new Error(`${this.target.name}: job ${id} not ${state} in time (is ${job.state})`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { Accept: '*/*', ...headers }, timeout: 30000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'] ?? null,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** JSON parsed; Apache's HTML pages as `{html: title}`; other text (YAML) as `{text: first line}`. */
function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const title = /<title>(.*)<\/title>/.exec(text)?.[1];
    return title !== undefined ? { html: title } : { text: text.split('\n')[0] };
  }
}
