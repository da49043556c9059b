import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { HttpStatus } from '@nestjs/common';
import { answerRefusedPath, hasOverlongSegment } from '../common/http-adapter';

/** apps/web/dist, from apps/api/src/web (ts-jest) and apps/api/dist/web (built) alike. */
export const WEB_DIST = resolve(__dirname, '..', '..', '..', 'web', 'dist');

/** Paths that are never the web app's: unknown ones there get the API's JSON 404. */
const NOT_THE_APP = /^\/(api|socket\.io)(\/|$)/;

/**
 * The built Lit app at /, and its index.html for the client-side routes (/wall, /nodes …).
 * Not @nestjs/serve-static: its Fastify loader answers unknown /api paths with index.html too.
 */
export async function serveWebApp(app: NestFastifyApplication): Promise<void> {
  if (!existsSync(WEB_DIST)) return;
  await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false, maxAge: '1h' });
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.get('/*', (request, reply) => {
    if (NOT_THE_APP.test(request.url)) {
      if (hasOverlongSegment(request.url)) return answerRefusedPath(HttpStatus.URI_TOO_LONG, request, reply);
      return reply.callNotFound();
    }
    return reply.sendFile('index.html');
  });
}
