import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Headers a trusted proxy (or OAR's Apache) uses to say who the user is. oar-live decides the OAR
 * identity itself from the verified token, so a client must never be able to send these.
 */
export const IDENTITY_HEADERS = [
  'x-remote-ident',
  'x-remote-user',
  'remote-user',
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-preferred-username',
  'x-auth-request-user',
  'x-auth-request-email',
  'x-webauth-user',
  'x-remote-email',
  'x-remote-groups',
] as const;

@Injectable()
export class StripIdentityHeadersMiddleware implements NestMiddleware {
  use(req: IncomingMessage, _res: ServerResponse, next: () => void): void {
    for (const header of IDENTITY_HEADERS) delete req.headers[header];
    next();
  }
}
