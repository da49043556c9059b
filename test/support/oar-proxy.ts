import { createServer, connect, type Server, type Socket as NetSocket } from 'node:net';
import { freePort } from './redis-server';

/**
 * A loopback TCP proxy between oar-live and OAR. `cut()` resets every connection and every new one
 * (as a REJECT rule would: the poll fails at once); `blackhole()` stops forwarding without closing
 * anything, as a real cut does (packets dropped, no RST): the connections open then stay half-open
 * for good, even once the cut heals (the peer's state is gone), and connections made during it
 * never carry a byte; only oar-live's own timeouts get it out. `stop()` closes the port (OAR's API
 * stopped: connection refused).
 */
export async function startOarProxy(target: URL): Promise<{
  url: string;
  cut(on: boolean): void;
  blackhole(on: boolean): void;
  stop(on: boolean): Promise<void>;
  close(): Promise<void>;
}> {
  const port = await freePort();
  const sockets = new Set<NetSocket>();
  const pairs = new Set<[NetSocket, NetSocket]>();
  let cut = false;
  let blackholed = false;
  let server: Server | undefined;
  const track = (socket: NetSocket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const stall = (socket: NetSocket) => {
    socket.unpipe();
    socket.pause();
  };
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        if (cut) return void client.resetAndDestroy();
        track(client);
        if (blackholed) return void client.pause();
        const upstream = connect(Number(target.port), target.hostname);
        track(upstream);
        const pair: [NetSocket, NetSocket] = [client, upstream];
        pairs.add(pair);
        for (const socket of pair) {
          socket.on('close', () => pairs.delete(pair));
          socket.on('error', () => (client.destroy(), upstream.destroy()));
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const dropAll = () => {
    for (const socket of sockets) socket.resetAndDestroy();
  };
  const close = () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await listen();
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    cut: (on) => {
      cut = on;
      if (on) dropAll();
    },
    blackhole: (on) => {
      blackholed = on;
      if (!on) return;
      for (const pair of pairs) pair.forEach(stall);
      pairs.clear();
    },
    stop: async (on) => {
      if (on) {
        dropAll();
        await close();
        server = undefined;
      } else await listen();
    },
    close: async () => {
      dropAll();
      await close();
    },
  };
}
