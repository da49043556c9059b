/** POSTed data the way OAR::API reads it: JSON, YAML or an HTML form, anything else 406. */
import { parse as parseYaml } from 'yaml';
import { OarHttpError } from './errors';
import type { OarRequest } from './request';
import { cgiEscape } from './request';

export type Posted = Record<string, unknown> | unknown[];

/** `subject` names the thing in OAR's 406 ("Job", "Resource"). */
export function readPosted(req: OarRequest, subject: string): Posted {
  const contentType = (req.header('content-type') ?? '').split(/\s*;\s*/)[0];
  const text = req.body.toString('utf8');
  if (contentType === 'application/json') {
    try {
      return asPosted(JSON.parse(text));
    } catch (err) {
      throw new OarHttpError(
        400,
        'JSON data not understood',
        `${(err as Error).message} at /usr/share/perl5/OAR/API.pm line 81.\n`,
      );
    }
  }
  if (contentType === 'text/yaml') {
    try {
      return asPosted(parseYaml(text));
    } catch (err) {
      throw new OarHttpError(400, 'YAML data not understood', (err as Error).message);
    }
  }
  if (contentType === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  throw new OarHttpError(
    406,
    `${subject} description must be in YAML or JSON`,
    `The correct format for a ${subject.toLowerCase()} request is text/yaml or application/json. ${contentType}`,
  );
}

/** CGI puts a JSON/YAML body in the POSTDATA parameter (it shows up in OAR's self links). */
export function postedParams(req: OarRequest): string {
  const contentType = (req.header('content-type') ?? '').split(/\s*;\s*/)[0];
  const text = req.body.toString('utf8');
  if (contentType === 'application/x-www-form-urlencoded')
    return [...new URLSearchParams(text).entries()].map(([k, v]) => `${cgiEscape(k)}=${cgiEscape(v)}`).join('&');
  return `POSTDATA=${cgiEscape(text)}`;
}

function asPosted(value: unknown): Posted {
  return value !== null && typeof value === 'object' ? (value as Posted) : {};
}
