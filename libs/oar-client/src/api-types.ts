/** What callers give to and get from the OAR client (the domain model itself is in ./model.ts). */

export type OarAuthMode = 'ident' | 'basic' | 'none';

export interface OarClientOptions {
  /** API root, e.g. http://127.0.0.1:6668/oarapi (ident/none) or …/oarapi-priv (basic). */
  baseUrl: string;
  /** ident: `X-Remote-Ident: <login>` (a trusted front end); basic: HTTP Basic; none: anonymous. */
  auth: OarAuthMode;
  /** Password of an OAR login, for `basic`. */
  credentials?: (login: string) => string | undefined;
  /**
   * Login for calls made without `as` (reads). Needed with `basic` on /oarapi-priv, where Apache
   * refuses every request without credentials; unset → such calls are anonymous.
   */
  readAs?: string;
  /** Per request, connect to last body byte (default 15 000). */
  timeoutMs?: number;
  /** Items per page when reading lists (default 500, OAR's default; OAR takes any `limit`). */
  pageSize?: number;
  /** Told of every exchange with OAR once it ended (answered or not): how long OAR was busy with it. */
  onExchange?: (exchange: OarExchange) => void;
}

export interface OarExchange {
  method: string;
  /** URL path, e.g. /oarapi/jobs.json. */
  path: string;
  startMs: number;
  endMs: number;
}

export interface CallOptions {
  /** OAR login to act as; absent → the client's `readAs`, else anonymous. */
  as?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ListOptions extends CallOptions {
  /** Page size for this call (OAR's `limit`). */
  limit?: number;
}

/** Everything `POST /jobs` (oarsub) accepts. Exactly one of `command`, `script`, `scriptPath`. */
export interface SubmitJobRequest {
  command?: string;
  /** Script text; OAR writes it to a file in `directory` and runs that. */
  script?: string;
  /** Path of a script already on the cluster. */
  scriptPath?: string;
  /** oarsub -l, e.g. "/nodes=1/core=2,walltime=00:10:00"; several are moldable alternatives. */
  resources?: string | string[];
  name?: string;
  queue?: string;
  /** SQL-like property filter (oarsub -p). */
  property?: string;
  types?: string[];
  /** Working directory (default the user's home). */
  directory?: string;
  project?: string;
  /** Output file names (oarsub -O / -E, may use %jobid%). */
  stdout?: string;
  stderr?: string;
  /** Submit in state Hold. */
  hold?: boolean;
  /** Advance reservation start, "YYYY-MM-DD hh:mm:ss". */
  reservation?: string;
  /** Seconds before the walltime ends when the checkpoint signal is sent. */
  checkpoint?: number;
  /** Signal number for checkpointing (default 12, SIGUSR2). */
  signal?: number;
  /** Number of identical sub-jobs. */
  array?: number;
  /** An array parameter file's contents: one sub-job per line, its parameters appended to the command. */
  arrayParams?: string;
  /** Start after this job ends (oarsub -a). */
  anterior?: number;
  /** oarsub --notify, e.g. "mail:alice@example.org". */
  notify?: string;
  /** oarsub -k: use a job key. */
  useJobKey?: boolean;
}

export interface SubmittedJob {
  id: number;
  /** oarsub's output (admission rules, OAR_JOB_ID=…). */
  cmdOutput: string;
}

/** Answer to a request OAR registers and carries out later (delete, hold, resume, signal, state change …). */
export interface OarAcknowledgement {
  id: number;
  status: string;
  /** The OAR command's output, when OAR returns it. */
  output?: string;
}

/** A resource row to create; `node` becomes OAR's `network_address` (and `host` unless given). */
export interface NewResource {
  node: string;
  host?: string;
  cpu?: number;
  core?: number;
  cpuset?: number;
  /** Other existing OAR properties. */
  properties?: Record<string, string | number>;
}

export interface OarVersion {
  oarVersion: string;
  apiVersion: string;
  apilibVersion: string;
  /** The API server's timezone, e.g. "UTC". */
  timezone: string;
  /** The API server's clock when it answered (ISO). */
  serverTime: string;
}

export interface OarTimezone {
  timezone: string;
  serverTime: string;
}
