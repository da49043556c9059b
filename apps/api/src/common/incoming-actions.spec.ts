import type { HttpAdapterHost } from '@nestjs/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { IncomingActions } from './incoming-actions';

/** A loopback server whose routes answer only when released, counted by an IncomingActions. */
async function heldServer() {
  const fastify: FastifyInstance = Fastify();
  const incoming = new IncomingActions({ httpAdapter: { getInstance: () => fastify } } as unknown as HttpAdapterHost);
  incoming.onModuleInit();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const hold = async () => {
    arrive();
    await released;
    return { ok: true };
  };
  fastify.post('/act', hold);
  fastify.get('/read', hold);
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const { port } = fastify.server.address() as { port: number };
  return { incoming, release, arrived, url: `http://127.0.0.1:${port}`, close: () => fastify.close() };
}

describe('IncomingActions', () => {
  it('resolves allAnswered only once the mutation request in flight is answered', async () => {
    const server = await heldServer();
    const answer = fetch(`${server.url}/act`, { method: 'POST' });
    await server.arrived;
    let quiet = false;
    const waiting = server.incoming.allAnswered(60_000).then(() => (quiet = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(quiet).toBe(false);
    server.release();
    expect((await answer).status).toBe(200);
    await waiting;
    expect(quiet).toBe(true);
    await server.close();
  });

  it('does not wait for reads', async () => {
    const server = await heldServer();
    const read = fetch(`${server.url}/read`);
    await server.arrived;
    await server.incoming.allAnswered(60_000);
    server.release();
    expect((await read).status).toBe(200);
    await server.close();
  });

  it('stops waiting after maxWaitMs, so a steady stream of requests cannot starve background work', async () => {
    const server = await heldServer();
    let answered = false;
    const answer = fetch(`${server.url}/act`, { method: 'POST' }).then((res) => ((answered = true), res));
    await server.arrived;
    await server.incoming.allAnswered(20);
    expect(answered).toBe(false);
    server.release();
    await answer;
    await server.close();
  });
});
