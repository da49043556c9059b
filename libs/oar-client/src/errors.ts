/** Base of every error the OAR client throws, so callers can tell OAR trouble from their own bugs. */
export class OarError extends Error {
  override name = 'OarError';
}

/** OAR (or Apache in front of it) answered with a non-2xx status. `title`/`message` are OAR's own words. */
export class OarHttpError extends OarError {
  override name = 'OarHttpError';
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    /** Method and path of the request, for logs (never carries credentials). */
    readonly request: string,
  ) {
    super(message);
  }
}

/** No answer within the time limit (connect, headers or body). */
export class OarTimeoutError extends OarError {
  override name = 'OarTimeoutError';
  constructor(
    readonly timeoutMs: number,
    readonly request: string,
  ) {
    super(`OAR did not answer ${request} within ${timeoutMs} ms`);
  }
}

/** The connection could not be made or broke (refused, reset, DNS failure …). */
export class OarUnreachableError extends OarError {
  override name = 'OarUnreachableError';
  constructor(
    readonly code: string,
    readonly request: string,
    options?: { cause?: unknown },
  ) {
    super(`OAR is unreachable (${code}) for ${request}`, options);
  }
}

/** OAR said 2xx but the body is not what its API returns (not JSON, or the wrong shape). */
export class OarProtocolError extends OarError {
  override name = 'OarProtocolError';
  constructor(
    message: string,
    readonly request: string,
  ) {
    super(message);
  }
}

/** The call was refused before anything was sent (e.g. a login OAR would reject, no password for it). */
export class OarRequestError extends OarError {
  override name = 'OarRequestError';
}

const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);
/**
 * OAR's 500 for a resource created with a property that is not a column of its `resources` table
 * (oarproperty -a adds columns); group 1 is the column.
 */
export const UNKNOWN_RESOURCE_COLUMN = /column "([^"]+)" of relation "resources" does not exist/;
/**
 * oarapi.pl answers 500 when oarsub exits with an unexpected status, or when its SQL fails; those
 * seen for a bad `resource` syntax and for an unknown resource column are the caller's mistake, and
 * retrying them can never succeed.
 */
const CLIENT_FAULT_500 = new RegExp(`Cannot recognize the resource description|${UNKNOWN_RESOURCE_COLUMN.source}`);

/** True when retrying the same request later may succeed (network, timeouts, 5xx except OAR's known client-fault 500). */
export function isTransient(err: unknown): boolean {
  if (err instanceof OarTimeoutError || err instanceof OarUnreachableError) return true;
  if (err instanceof OarHttpError) {
    return TRANSIENT_STATUSES.has(err.status) && !(err.status === 500 && CLIENT_FAULT_500.test(err.message));
  }
  return false;
}
