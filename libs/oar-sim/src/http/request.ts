/** One API request as oarapi.pl sees it, and the ways it answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import { OarHttpError } from './errors';

export type Format = 'json' | 'yaml' | 'html';
const FORMAT_OF_TYPE: Record<string, Format> = {
  'text/yaml': 'yaml',
  'text/html': 'html',
  'application/octet-stream': 'yaml',
  'application/json': 'json',
};
const TYPE_OF_FORMAT: Record<Format, string> = { json: 'application/json', yaml: 'text/yaml', html: 'text/html' };

export class OarRequest {
  readonly query: URLSearchParams;
  format: Format = 'json';
  /** How long the real OAR would take: the answer is held back that long (cost-model.ts). */
  costMs = 0;

  constructor(
    readonly method: string,
    /** `/oarapi` or `/oarapi-priv`. */
    readonly base: string,
    /** The path below the base (CGI's PATH_INFO), e.g. `/jobs/3.json`. */
    readonly pathInfo: string,
    rawQuery: string,
    readonly incoming: IncomingMessage,
    private readonly res: ServerResponse,
    /** The authenticated user as given (X-Remote-Ident or the Basic login), '' when anonymous. */
    readonly user: string,
    readonly body: Buffer,
    /** Simulated epoch seconds when the request came in. */
    readonly now: number,
  ) {
    this.query = new URLSearchParams(rawQuery);
  }

  /** The login oarapi.pl acts as: the first `\w+` run of the user (it keeps only that). */
  get login(): string {
    return /\w+/.exec(this.user)?.[0] ?? '';
  }

  header(name: string): string | undefined {
    const value = this.incoming.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** oarapi.pl's set_ext: the path suffix, else Accept, else Content-Type, else 406. */
  negotiate(suffix: string | undefined): void {
    if (suffix) {
      this.format = suffix.replace(/^\./, '') as Format;
      return;
    }
    const accept = this.header('accept');
    const contentType = this.header('content-type');
    const known = (type: string | undefined) => (type ? FORMAT_OF_TYPE[type.split(/\s*;\s*/)[0]] : undefined);
    const chosen = accept !== undefined ? (known(accept) ?? known(contentType)) : known(contentType);
    if (chosen) {
      this.format = chosen;
      return;
    }
    const title =
      accept !== undefined && contentType === undefined
        ? `Invalid content type required ${accept}`
        : `Invalid content type ${accept === undefined ? (contentType ?? '') : ''}`;
    throw new OarHttpError(406, title, 'Valid types are text/yaml, application/json or text/html');
  }

  /** Answers with a ready-made JSON text (cached rows are assembled as text). */
  sendJsonText(status: number, json: string, headers: Record<string, string> = {}): void {
    const body = this.format === 'json' ? json + '\n' : this.convert(JSON.parse(json));
    const answer = () => {
      this.res.writeHead(status, {
        'Content-Type': `${TYPE_OF_FORMAT[this.format]}; charset=ISO-8859-1`,
        'Content-Length': Buffer.byteLength(body),
        ...headers,
      });
      this.res.end(body);
    };
    if (this.costMs > 0) setTimeout(answer, this.costMs);
    else answer();
  }

  send(status: number, payload: object, headers: Record<string, string> = {}): void {
    this.sendJsonText(status, JSON.stringify(payload), headers);
  }

  sendError(error: OarHttpError): void {
    this.send(error.status, { code: error.status, message: error.detail, title: error.title });
  }

  private convert(payload: unknown): string {
    const yaml = `---\n${toYaml(payload)}`;
    return this.format === 'yaml' ? yaml : `<PRE>\n${yaml}\n</PRE>\n`;
  }
}

/** CGI.pm's escape(): everything but unreserved characters as %XX. */
export function cgiEscape(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'))
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}
