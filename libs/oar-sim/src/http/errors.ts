/** OAR's JSON error (`{code, title, message}`) and Apache's own HTML pages. */

export class OarHttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    /** A string, except where OAR itself sends a list (failed resource creation). */
    readonly detail: string | string[],
  ) {
    super(String(detail));
  }
}

export const permissionDenied = (message: string) => new OarHttpError(401, 'Permission denied', message);

export const oardodoUnknownUser = () =>
  permissionDenied(
    'Oardodo error: 52: [OARDODO] ERROR: Cannot get information regarding the target user (Success)\n\n',
  );

/** A failure Apache answers itself, with its HTML page (e.g. oarapi.pl dying mid-request → 500). */
export class ApacheError extends Error {
  constructor(readonly status: ApacheStatus) {
    super(`Apache ${status}`);
  }
}

export type ApacheStatus = 401 | 404 | 413 | 500;
export const APACHE_SERVER = 'Apache/2.4.71 (Debian)';

const PAGES: Record<ApacheStatus, [string, string]> = {
  401: [
    'Unauthorized',
    "This server could not verify that you\nare authorized to access the document\nrequested.  Either you supplied the wrong\ncredentials (e.g., bad password), or your\nbrowser doesn't understand how to supply\nthe credentials required.",
  ],
  404: ['Not Found', 'The requested URL was not found on this server.'],
  413: [
    'Request Entity Too Large',
    'The requested resource does not allow request data with POST requests, or the amount of data provided in\nthe request exceeds the capacity limit.',
  ],
  500: [
    'Internal Server Error',
    'The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n<p>Please contact the server administrator at \n [no address given] to inform them of the time this error occurred,\n and the actions you performed just before this error.</p>\n<p>More information about this error may be available\nin the server error log.',
  ],
};

/** Apache 2.4's own error document. */
export function apachePage(status: ApacheStatus, hostPort: string): string {
  const [title, text] = PAGES[status];
  const [host, port = '80'] = hostPort.split(':');
  return (
    `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n<html><head>\n` +
    `<title>${status} ${title}</title>\n</head><body>\n<h1>${title}</h1>\n<p>${text}</p>\n<hr>\n` +
    `<address>${APACHE_SERVER} Server at ${host} Port ${port}</address>\n</body></html>\n`
  );
}
