import {
  OarHttpError,
  OarProtocolError,
  OarRequestError,
  OarTimeoutError,
  OarUnreachableError,
} from '@oar-live/oar-client';

/** A sentence a person reads, and the raw text behind it (OAR's output, the network error) for details and logs. */
export interface Explained {
  message: string;
  detail?: string;
}

/**
 * OAR's own words (oardel, oarhold, oarresume, oarsub, oardodo, oarapi.pl 2.5.9) → what they mean
 * for the person who asked. The first match wins.
 */
const OAR_REASONS: Array<[RegExp, string | ((match: RegExpExecArray) => string)]> = [
  [/You are not the right user|you are not the right user/, 'OAR has no such job of this user'],
  [/already killed/, 'it has already been cancelled or has finished'],
  [/this job does not exist/, 'OAR has no such job'],
  [/not in the right state/, 'only a waiting job can be held'],
  [/not in the Hold or Suspended state/, 'only a held or suspended job can be resumed'],
  [/There are not enough resources for your request/, 'the cluster does not have the resources it asks for'],
  [/column "([^"]+)" does not exist/, (m) => `the cluster has no property “${m[1]}”`],
  [/Cannot recognize the resource description\s*:\s*(\S+)/, (m) => `OAR cannot read the resource request “${m[1]}”`],
  [/Oardodo error: 52/, 'OAR has no unix account for this user'],
  [/must be in the Dead status/, 'OAR has not made it Dead yet'],
];

/** Why OAR could not be used at all, in plain words. */
function transportReason(err: unknown): string | undefined {
  if (err instanceof OarUnreachableError) return 'OAR cannot be reached';
  if (err instanceof OarTimeoutError) return 'OAR did not answer in time';
  if (err instanceof OarProtocolError) return 'OAR sent an answer oar-live cannot read';
  return undefined;
}

function reasonOf(err: unknown): string {
  const transport = transportReason(err);
  if (transport) return transport;
  if (err instanceof OarHttpError) {
    for (const [pattern, reason] of OAR_REASONS) {
      const match = pattern.exec(err.message);
      if (match) return typeof reason === 'string' ? reason : reason(match);
    }
    if (err.status === 401 || err.status === 403) return 'OAR refused it (permission denied)';
    return err.status >= 500 ? 'OAR failed while doing it' : 'OAR refused it';
  }
  if (err instanceof OarRequestError) return err.message;
  return 'something went wrong inside oar-live';
}

/** The raw text: OAR's title and message, or the error's own message; none when it adds nothing. */
function detailOf(err: unknown, reason: string): string | undefined {
  if (err instanceof OarHttpError) return `${err.status} ${err.title}: ${err.message} (${err.request})`;
  const text = err instanceof Error ? err.message : String(err);
  return text === reason ? undefined : text;
}

/** "Job 40 could not be cancelled" + OAR's error → "Job 40 could not be cancelled: it has already …." */
export function explainFailure(failed: string, err: unknown): Explained {
  const reason = reasonOf(err);
  return { message: `${failed}: ${reason}.`, detail: detailOf(err, reason) };
}

/** The poller's trouble reading OAR, for the stale banner and `source.status`. */
export function explainSourceTrouble(err: unknown): Explained {
  const reason = transportReason(err);
  const message = reason
    ? `${reason[0].toUpperCase()}${reason.slice(1)}: the cluster shown is as last read.`
    : err instanceof OarHttpError && (err.status === 401 || err.status === 403)
      ? `OAR refused oar-live's login (HTTP ${err.status}): check OAR_AUTH and its password; the cluster shown is as last read.`
      : err instanceof OarHttpError
        ? `OAR answered with an error (HTTP ${err.status}): the cluster shown is as last read.`
        : 'OAR could not be read: the cluster shown is as last read.';
  return { message, detail: err instanceof Error ? err.message : String(err) };
}
