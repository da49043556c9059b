import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { createApp, SHUTDOWN_GRACE_MS } from './app-setup';
import { UsersService } from './auth/users.service';
import { APP_CONFIG } from './config/config.module';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  // Validated before Nest starts so a bad setting is one plain line, not a Nest stack trace.
  loadConfig(process.env);
  const app = await createApp();
  const config = app.get<AppConfig>(APP_CONFIG);
  exitAfterGraceOnSignal();
  await app.listen(config.PORT, config.HOST);
  const url = `http://${config.HOST}:${config.PORT}`;
  app.get(Logger).log(`oar-live listening on ${url}`);
  printBanner(url, app.get(UsersService).bootstrapAdminPassword());
}

/** Straight to stdout, never through the logger: the generated password must not reach log storage. */
function printBanner(url: string, adminPassword: string | undefined): void {
  const lines = [`oar-live is running at ${url}`];
  if (adminPassword)
    lines.push(`Sign in as "admin" with password ${adminPassword} (generated for this run, shown once)`);
  process.stdout.write(`\n  ${lines.join('\n  ')}\n\n`);
}

/** enableShutdownHooks closes the app on a signal (exit code 0); this bounds how long that may take. */
function exitAfterGraceOnSignal(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        console.error(`oar-live: shutdown took over ${SHUTDOWN_GRACE_MS} ms, exiting anyway`);
        process.exit(1);
      }, SHUTDOWN_GRACE_MS).unref();
    });
  }
}

function describeStartupError(err: unknown): string {
  if (err instanceof ConfigError) return err.problems.map((problem) => `invalid configuration: ${problem}`).join('\n');
  const { code, port, address } = err as { code?: string; port?: number; address?: string };
  if (code === 'EADDRINUSE') return `PORT: ${port} is already in use on ${address}; set PORT to a free port`;
  if (code === 'EADDRNOTAVAIL') return `HOST: ${address} is not an address of this machine; set HOST to one`;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

bootstrap().catch((err: unknown) => {
  console.error(describeStartupError(err));
  process.exit(1);
});
