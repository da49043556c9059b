import type { FastifyHelmetOptions } from '@fastify/helmet';

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

/** helmet's options, for @fastify/helmet on every route and for answers Fastify gives before routing. */
export const SECURITY_HEADERS = {
  contentSecurityPolicy: { useDefaults: true, directives: CONTENT_SECURITY_POLICY },
} satisfies FastifyHelmetOptions;
