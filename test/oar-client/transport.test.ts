import { createServer, type Socket } from 'node:net';
import { isTransient, OarClient, OarTimeoutError, OarUnreachableError } from '@oar-live/oar-client';
import { freePort } from '../support/redis-server';

describe('OarClient when OAR does not answer', () => {
  it('a TCP server that accepts and never answers → OarTimeoutError (transient)', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const oar = new OarClient({ baseUrl: `http://127.0.0.1:${port}/oarapi`, auth: 'ident', timeoutMs: 300 });
      const error = await oar.resources.full().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OarTimeoutError);
      expect(error).toMatchObject({ timeoutMs: 300 });
      expect(isTransient(error)).toBe(true);
      expect(sockets.length).toBe(1);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('a port nobody listens on → OarUnreachableError ECONNREFUSED (transient)', async () => {
    const oar = new OarClient({ baseUrl: `http://127.0.0.1:${await freePort()}/oarapi`, auth: 'ident' });
    const error = await oar.version().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OarUnreachableError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isTransient(error)).toBe(true);
  });

  it('a name that does not resolve → OarUnreachableError', async () => {
    const oar = new OarClient({ baseUrl: 'http://oar-live-no-such-host.invalid/oarapi', auth: 'ident' });
    const error = await oar.version().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OarUnreachableError);
    expect((error as OarUnreachableError).code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
  });
});
