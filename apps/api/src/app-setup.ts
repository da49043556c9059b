import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { bodyParsers } from './common/body-parsers';

/** Largest JSON or form body accepted; bigger ones get a 413 JSON error. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Longest a graceful shutdown may take before the process exits anyway (`npm start` allows 5 s in all). */
export const SHUTDOWN_GRACE_MS = 3000;

/** Builds the app exactly as production runs it; integration tests use this too. */
export async function createApp(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
    // Otherwise a request still in flight (a slow upload, a stream nobody ends) holds server.close()
    // open until the shutdown grace runs out and the process exits non-zero.
    forceCloseConnections: true,
  });
  app.useLogger(app.get(Logger));
  app.use(helmet({ contentSecurityPolicy: { useDefaults: true, directives: CONTENT_SECURITY_POLICY } }));
  app.use(...bodyParsers(BODY_LIMIT_BYTES));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('oar-live')
      .setDescription('Real-time monitoring and control for OAR 2 clusters')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  app.enableShutdownHooks();
  return app;
}

/**
 * The Lit app and Swagger UI load only their own scripts; socket.io connects back to this origin
 * (ws: for browsers whose 'self' does not cover WebSocket); Lit and Swagger UI set inline styles.
 * No upgrade-insecure-requests: oar-live is often served over plain http on a LAN.
 */
const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'", 'ws:', 'wss:'],
  'upgrade-insecure-requests': null,
};
