import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

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
    if (NOT_THE_APP.test(request.url)) return reply.callNotFound();
    return reply.sendFile('index.html');
  });
}
