import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';

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

export function stripIdentityHeaders(headers: IncomingHttpHeaders): void {
  for (const header of IDENTITY_HEADERS) delete headers[header];
}

/**
 * Strips them from every request before anything reads it: a Fastify onRequest hook rather than
 * Nest middleware, which on Fastify runs every request through @fastify/middie once more.
 */
@Injectable()
export class StripIdentityHeaders implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    this.adapterHost.httpAdapter?.getInstance<FastifyInstance>().addHook('onRequest', (request, _reply, done) => {
      stripIdentityHeaders(request.headers);
      done();
    });
  }
}
