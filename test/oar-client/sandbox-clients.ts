import { OarClient, type Job, type OarClientOptions } from '@oar-live/oar-client';
import { waitFor } from '../support/wait-for';

/** The sandbox's htpasswd users (scripts/oar-sandbox); `oar` is OAR's admin. */
const PASSWORDS: Record<string, string> = { alice: 'alicepw', bob: 'bobpw', oar: 'oarpw' };

export function sandboxUrl(): string {
  const url = process.env.OAR_SANDBOX_URL;
  if (!url)
    throw new Error('OAR_SANDBOX_URL is not set: run through jest (test/support/global-setup starts the sandbox)');
  return url;
}

/** `/oarapi` with `X-Remote-Ident`. */
export const identClient = (options: Partial<OarClientOptions> = {}) =>
  new OarClient({ baseUrl: sandboxUrl(), auth: 'ident', ...options });

/** `/oarapi-priv` with HTTP Basic, checked by Apache. */
export const basicClient = (options: Partial<OarClientOptions> = {}) =>
  new OarClient({
    baseUrl: sandboxUrl().replace(/\/oarapi$/, '/oarapi-priv'),
    auth: 'basic',
    credentials: (login) => PASSWORDS[login],
    ...options,
  });

/** Polls the job (OAR has no push) until it is in one of `states`. */
export function waitForJobState(oar: OarClient, id: number, states: string[], as: string): Promise<Job> {
  let last = 'unread';
  return waitFor(
    async () => {
      const job = await oar.jobs.get(id, { as });
      last = `${job.state}${job.message ? ` (${job.message})` : ''}`;
      return states.includes(job.state) && job;
    },
    { timeoutMs: 45_000, intervalMs: 250, describe: () => `job ${id} in ${states.join('|')}, still ${last}` },
  );
}

export const WALLTIME = 'walltime=00:02:00';
