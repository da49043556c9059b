import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/** Longest background work waits for requests being answered (a steady stream of them must not starve it). */
export const ANSWER_FIRST_MAX_WAIT_MS = 200;

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Mutation requests this process is answering. Background work (the operations worker, the poll)
 * starts once they are all answered: a burst of submits is accepted first and executed right after,
 * instead of executions and polls taking the CPU its 202s wait for (bench/operations.bench.ts).
 */
@Injectable()
export class IncomingActions implements OnModuleInit {
  private inFlight = 0;
  private waiters = new Set<() => void>();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    this.adapterHost.httpAdapter?.getInstance<FastifyInstance>().addHook('onRequest', (request, reply, done) => {
      if (!READS.has(request.method)) {
        this.inFlight += 1;
        // 'close' comes for every response, sent or aborted.
        reply.raw.once('close', () => this.answered());
      }
      done();
    });
  }

  /** Resolves once no mutation request is being answered, or after `maxWaitMs`. */
  allAnswered(maxWaitMs = ANSWER_FIRST_MAX_WAIT_MS): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, maxWaitMs);
      this.waiters.add(wake);
    });
  }

  private answered(): void {
    this.inFlight -= 1;
    if (this.inFlight === 0) for (const wake of this.waiters) wake();
  }
}
