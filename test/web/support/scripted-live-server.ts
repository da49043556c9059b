import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { freePort } from '../../support/redis-server';

export interface LiveConnection {
  socket: Socket;
  auth: { token?: string; since?: number };
}

/**
 * A real HTTP + Socket.IO server on loopback whose `/live` namespace the test drives by hand:
 * it speaks the wire contract of docs/events.md (snapshot / changes events, auth {token, since}) so
 * the web client can be exercised on exact histories (gaps, reconnects) the real API cannot be made
 * to produce on demand. `handle` serves everything else (the built app, scripted REST answers).
 */
export async function startScriptedLiveServer(handle?: (req: IncomingMessage, res: ServerResponse) => void) {
  const port = await freePort();
  const http = createServer((req, res) => {
    if (handle) return handle(req, res);
    res.writeHead(404).end();
  });
  const io = new Server(http, { serveClient: false });
  const connections: LiveConnection[] = [];
  const waiting: Array<(c: LiveConnection) => void> = [];
  let refuseNext: string | undefined;
  io.of('/live').use((_socket, next) => {
    const reason = refuseNext;
    refuseNext = undefined;
    next(reason ? new Error(reason) : undefined);
  });
  io.of('/live').on('connection', (socket) => {
    const connection = { socket, auth: { ...(socket.handshake.auth as LiveConnection['auth']) } };
    connections.push(connection);
    const next = waiting.shift();
    if (next) next(connection);
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  let seen = 0;
  return {
    url: `http://127.0.0.1:${port}`,
    io,
    connections,
    /** Refuse the next handshake with this reason, as the API's middleware does for a bad token. */
    refuseNextHandshake(reason: string): void {
      refuseNext = reason;
    },
    /** The next connection not yet returned by this method (waits for it if needed). */
    nextConnection(timeoutMs = 10_000): Promise<LiveConnection> {
      if (seen < connections.length) return Promise.resolve(connections[seen++]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no socket connection came')), timeoutMs);
        waiting.push((c) => {
          clearTimeout(timer);
          seen++;
          resolve(c);
        });
      });
    },
    async stop(): Promise<void> {
      io.disconnectSockets(true);
      await io.close();
    },
  };
}
