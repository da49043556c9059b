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

/** A class per status callers act on, so they test `instanceof OarNotFoundError` rather than a number. */
function statusError(status: number, name: string) {
  const StatusError = class extends OarHttpError {
    static readonly status = status;
    override name = name;
  };
  Object.defineProperty(StatusError, 'name', { value: name });
  return StatusError;
}

/** 400: OAR refused the request (bad input, and also `oardel` on another user's or an unknown job). */
export const OarBadRequestError = statusError(400, 'OarBadRequestError');
export type OarBadRequestError = InstanceType<typeof OarBadRequestError>;
/** 401: no login, or one OAR does not accept for this request. */
export const OarUnauthorizedError = statusError(401, 'OarUnauthorizedError');
export type OarUnauthorizedError = InstanceType<typeof OarUnauthorizedError>;
/** 403: refused in the current state (e.g. deleting a resource that is not Dead). */
export const OarForbiddenError = statusError(403, 'OarForbiddenError');
export type OarForbiddenError = InstanceType<typeof OarForbiddenError>;
/** 404: no such job, resource or path. */
export const OarNotFoundError = statusError(404, 'OarNotFoundError');
export type OarNotFoundError = InstanceType<typeof OarNotFoundError>;

const BY_STATUS = new Map(
  [OarBadRequestError, OarUnauthorizedError, OarForbiddenError, OarNotFoundError].map((c) => [c.status, c]),
);

/** The one way the client turns a non-2xx answer into an error: the status's own class, else OarHttpError. */
export function oarHttpError(status: number, title: string, message: string, request: string): OarHttpError {
  const StatusError = BY_STATUS.get(status) ?? OarHttpError;
  return new StatusError(status, title, message, request);
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
