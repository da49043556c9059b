import { Global, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { OarClient, type OarExchange } from '@oar-live/oar-client';
import { startOarSim } from '@oar-live/oar-sim';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import type { AppConfig } from '../config/app-config';
import { readOarCredentials } from './oar-credentials';

/** Size and pace of the embedded simulator when no OAR_API_URL is configured. */
export const EMBEDDED_SIM = { nodes: 4, coresPerNode: 2, jobsPerMinute: 6 } as const;

type RunningSim = Awaited<ReturnType<typeof startOarSim>>;

/** Starts the embedded oar-sim on a free loopback port when OAR_API_URL is unset, and stops it on shutdown. */
@Injectable()
export class OarSource implements OnApplicationShutdown {
  private readonly logger = new Logger(OarSource.name);
  private sim: RunningSim | null = null;

  async client(config: AppConfig, metrics?: MetricsService): Promise<OarClient> {
    const onExchange = metrics && ((exchange: OarExchange) => metrics.observeOarExchange(exchange));
    if (config.OAR_API_URL) {
      const passwords = config.OAR_CREDENTIALS ? readOarCredentials(config.OAR_CREDENTIALS) : undefined;
      return new OarClient({
        baseUrl: config.OAR_API_URL,
        auth: config.OAR_AUTH,
        credentials: passwords && ((login) => passwords.get(login)),
        // /oarapi-priv refuses anonymous reads; the poller reads as the admin, like its final job reads.
        readAs: config.OAR_AUTH === 'basic' ? 'oar' : undefined,
        onExchange,
      });
    }
    this.sim = await startOarSim({
      host: '127.0.0.1',
      port: 0,
      nodes: EMBEDDED_SIM.nodes,
      coresPerNode: EMBEDDED_SIM.coresPerNode,
      workload: { seed: Date.now() % 100_000, jobsPerMinute: EMBEDDED_SIM.jobsPerMinute },
    });
    this.logger.log(`OAR_API_URL is not set: embedded OAR simulator at ${this.sim.url}`);
    return new OarClient({ baseUrl: this.sim.url, auth: 'ident', onExchange });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sim?.stop();
    this.sim = null;
  }
}

/** Provides the one OarClient of the process: OAR_API_URL (with OAR_AUTH) or the embedded simulator. */
@Global()
@Module({
  providers: [
    OarSource,
    {
      provide: OarClient,
      // Optional: apps built without MetricsModule do not measure OAR's load.
      inject: [OarSource, APP_CONFIG, { token: MetricsService, optional: true }],
      useFactory: (source: OarSource, config: AppConfig, metrics?: MetricsService) => source.client(config, metrics),
    },
  ],
  exports: [OarClient],
})
export class OarModule {}
