import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { httpAdapter } from './common/http-adapter';
import { SECURITY_HEADERS } from './common/security-headers';
import { loadConfig, type AppConfig } from './config/app-config';
import { UPLOAD_LIMITS } from './operations/script-form';
import { serveWebApp } from './web/web-app';

/**
 * Longest a graceful shutdown may take before the process exits anyway, with code 1 (README: within
 * 3 s; the margin covers the exit itself). `npm start` allows 5 s in all.
 */
export const SHUTDOWN_GRACE_MS = 2500;

/** Builds the app exactly as production runs it; integration tests use this too. */
export async function createApp(): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, httpAdapter(trustProxyOf(process.env)), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  await app.register(fastifyHelmet, SECURITY_HEADERS);
  await app.register(fastifyMultipart, { limits: UPLOAD_LIMITS });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('oar-live')
      .setDescription('Real-time monitoring and control for OAR 2 clusters')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  await serveWebApp(app);
  // process.exit once closed: a signal re-raised at the process (Nest's default) is ignored while
  // another listener remains (main.ts's grace timer), and the process lingered until its loop drained.
  app.enableShutdownHooks([], { useProcessExit: true });
  return app;
}

/** Read before Nest starts: the HTTP server is built first. */
function trustProxyOf(env: NodeJS.ProcessEnv): AppConfig['OAR_LIVE_TRUST_PROXY'] {
  return loadConfig(env).OAR_LIVE_TRUST_PROXY;
}
