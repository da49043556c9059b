/** `/`, `/version`, `/timezone`, `/whoami`. */
import type { SimApi } from './context';
import type { Router } from './router';

const VERSION = { oar_version: '2.5.9 (Canicule)', api_version: '1.0.2', apilib_version: '1.0.2' };

export function infoRoutes(router: Router, _api: SimApi): void {
  router
    .onPattern('GET', /^\/*(\.(?:json|yaml|html))?$/, (req) => {
      const link = (path: string, title: string) => ({ href: `${req.base}/${path}`, rel: 'collection', title });
      req.send(200, {
        ...VERSION,
        api_timestamp: req.now,
        api_timezone: 'UTC',
        links: [
          { href: `${req.base}/./`, rel: 'self' },
          link('resources', 'resources'),
          link('resources/details', 'full_resources'),
          link('jobs', 'jobs'),
          link('jobs/details', 'detailed_jobs'),
          link('jobs/table', 'jobs_table'),
          link('config', 'config'),
          link('admission_rules', 'admission_rules'),
        ],
      });
    })
    .on('GET', '/version', (req) => req.send(200, { ...VERSION, api_timestamp: req.now, api_timezone: 'UTC' }))
    .on('GET', '/timezone', (req) => req.send(200, { api_timestamp: req.now, timezone: 'UTC' }))
    .on('GET', '/whoami', (req) => req.send(200, { api_timestamp: req.now, authenticated_user: req.user }));
}
