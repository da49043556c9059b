import type { LiveEvent } from '@oar-live/shared';
import { resetOarSandbox } from '../support/oar-sandbox';
import { startApi, Subscriber } from './api';
import { uniquePrefix } from './support';

// The load budget against the real OAR sandbox: polling every 200 ms costs OAR far more than 1 % of
// its time, so with OAR_MAX_LOAD=0.01 oar-live reads less often and says so, to people in
// `source.status` and to monitoring in /api/metrics.

const periodIn = (metrics: string, read: string): number =>
  Number(new RegExp(`^oar_live_read_period_seconds\\{read="${read}"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);

describe('the load budget', () => {
  it('reads less often than OAR_POLL_MS to keep OAR busy at most OAR_MAX_LOAD, and says so in source.status and /api/metrics', async () => {
    resetOarSandbox();
    const api = await startApi({
      REDIS_KEY_PREFIX: uniquePrefix('budget'),
      OAR_API_URL: process.env.OAR_SANDBOX_URL!,
      OAR_POLL_MS: '200',
      OAR_MAX_LOAD: '0.01',
    });
    const sub = new Subscriber(api.url);
    try {
      const slowed = await sub.until(
        () =>
          sub.batches
            .flatMap((batch) => batch.events)
            .find(
              (event): event is Extract<LiveEvent, { type: 'source.status' }> =>
                event.type === 'source.status' && event.slowed?.includes('resources every') === true,
            )?.slowed,
        // The jobs tick is slowed at its second tick; the others once a resource read has cost something.
        'a source.status saying the reads are slowed',
        90_000,
      );
      const duration = String.raw`[\d.]+ (?:s|min)`;
      expect(slowed).toMatch(
        new RegExp(
          `^OAR answers slowly: oar-live reads jobs every ${duration} \\(instead of 0\\.2 s\\), ` +
            `resources every ${duration} \\(instead of 1 s\\), and each job's details every ${duration} ` +
            `\\(instead of 2 min\\) to keep OAR's API busy with it at most 1 % of the time\\.$`,
        ),
      );
      const metrics = await (await fetch(`${api.url}/api/metrics`)).text();
      expect(metrics).toMatch(/^oar_live_oar_max_load 0\.01$/m);
      // Slowed means at least 1.5 times the configured periods (the sentence's rule).
      expect(periodIn(metrics, 'jobs')).toBeGreaterThanOrEqual(1.5 * 0.2);
      expect(periodIn(metrics, 'resources')).toBeGreaterThanOrEqual(1.5 * 1);
      expect(periodIn(metrics, 'details')).toBeGreaterThanOrEqual(1.5 * 120);
      expect(periodIn(metrics, 'resync')).toBeGreaterThanOrEqual(1.5 * 300);
    } finally {
      sub.close();
      await api.close();
    }
  }, 120_000);
});
