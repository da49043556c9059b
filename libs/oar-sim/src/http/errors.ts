/** OAR's JSON error (`{code, title, message}`) and Apache's own HTML pages. */

export class OarHttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

export const permissionDenied = (message: string) => new OarHttpError(401, 'Permission denied', message);

export const oardodoUnknownUser = () =>
  permissionDenied(
    'Oardodo error: 52: [OARDODO] ERROR: Cannot get information regarding the target user (Success)\n\n',
  );

/** Apache 2.4's error document (the body it sends for 401/404/413 before oarapi.pl runs). */
export function apachePage(status: 401 | 404 | 413, hostPort: string): string {
  const [title, text] = {
    401: [
      'Unauthorized',
      "This server could not verify that you\nare authorized to access the document\nrequested.  Either you supplied the wrong\ncredentials (e.g., bad password), or your\nbrowser doesn't understand how to supply\nthe credentials required.",
    ],
    404: ['Not Found', 'The requested URL was not found on this server.'],
    413: [
      'Request Entity Too Large',
      'The requested resource does not allow request data with POST requests, or the amount of data provided in the request exceeds the capacity limit.',
    ],
  }[status];
  const [host, port = '80'] = hostPort.split(':');
  return (
    `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${status} ${title}</title>\n` +
    `</head><body>\n<h1>${title}</h1>\n<p>${text}</p>\n<hr>\n` +
    `<address>Apache/2.4.62 (Debian) Server at ${host} Port ${port}</address>\n</body></html>\n`
  );
}
