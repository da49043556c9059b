/** Resource routes: lists, one resource, a node, jobs on them, create, change state, delete. */
import type { NewResourceRow } from '../cluster';
import { SETTABLE_COLUMNS } from '../cluster';
import { readCostMs } from '../cost-model';
import type { ResourceRow, ResourceState } from '../records';
import { jobLinks, STAMP, stampObject, stampRow } from '../render';
import { postedParams, readPosted } from './body';
import type { SimApi } from './context';
import { ApacheError, OarHttpError, permissionDenied } from './errors';
import { envelope, pageWindow, queryParams } from './pagination';
import type { OarRequest } from './request';
import type { Router } from './router';

const SYSTEM_PROPERTIES = new Set([
  'resource_id',
  'state',
  'state_num',
  'next_state',
  'finaud_decision',
  'next_finaud_decision',
  'last_job_date',
  'suspended_jobs',
  'expiry_date',
  'scheduler_priority',
]);
const SETTABLE_STATES: ReadonlySet<string> = new Set(['Alive', 'Absent', 'Dead']);

export function resourceRoutes(router: Router, api: SimApi): void {
  const { cluster, renderer, scheduler } = api;
  const row = (req: OarRequest, r: ResourceRow, full: boolean) =>
    stampRow(renderer.resource(r, { base: req.base, viewer: req.login }, full), req.now);

  const list = (full: boolean) => (req: OarRequest) => {
    const window = pageWindow(req);
    const page = cluster.resources.slice(window.offset, window.offset + window.limit).map((r) => row(req, r, full));
    req.costMs = readCostMs(api.costs, full ? 'resources/full' : 'resources', cluster.resources.length, page.length);
    req.sendJsonText(200, envelope(req, page, cluster.resources.length, window, queryParams(req)));
  };

  const jobsOn = (req: OarRequest, resources: ResourceRow[]) => {
    const ids = [...new Set(resources.map((r) => cluster.holder.get(r.id)).filter((id) => id !== undefined))];
    const items = ids.map((id) => stampObject({ api_timestamp: STAMP, id, links: jobLinks(id, req.base) }, req.now));
    req.sendJsonText(200, envelope(req, items, items.length, undefined));
  };

  const nodeResources = (name: string) => cluster.resources.filter((r) => r.network_address === name);

  const admin = (req: OarRequest, doing: string, only: string) => {
    if (!req.login) throw permissionDenied(`A suitable authentication must be done before ${doing}`);
    if (req.user !== 'oar') throw permissionDenied(`Only the oar user can ${only}`);
  };

  router
    .on('GET', '/resources', list(false))
    .on('GET', '/resources/(?:full|details)', list(true))
    .on('GET', '/resources/:id', (req, [id]) => {
      const r = cluster.resource(Number(id));
      if (!r) throw new OarHttpError(404, 'Resource not found', 'Resource not found');
      req.sendJsonText(200, row(req, r, true));
    })
    .on('GET', '/resources/nodes/:node', (req, [name]) => {
      const resources = nodeResources(name);
      // oarapi.pl 2.5.9 dies on an unknown node; Apache answers with its HTML 500.
      if (resources.length === 0) throw new ApacheError(500);
      const items = resources.map((r) => row(req, r, false));
      req.sendJsonText(200, envelope(req, items, items.length, undefined));
    })
    .on('GET', '/resources/:id/jobs', (req, [id]) => {
      const r = cluster.resource(Number(id));
      jobsOn(req, r ? [r] : []);
    })
    .on('GET', '/resources/nodes/:node/jobs', (req, [name]) => jobsOn(req, nodeResources(name)))
    .on('POST', '/resources', (req) => {
      admin(req, 'creating new resources', 'create new resources');
      const posted = readPosted(req, 'Resource');
      const rows = (Array.isArray(posted) ? posted : [posted]) as NewResourceRow[];
      for (const r of rows) {
        if (r === null || typeof r !== 'object')
          throw new OarHttpError(406, 'Bad type', 'resource must be an array or a hash!');
        if (!r.hostname && !r.network_address)
          throw new OarHttpError(
            400,
            'Missing Required Field',
            'A resource must have a hosname field or a network_address property!',
          );
        if (!r.network_address) {
          r.network_address = r.hostname;
          delete r.hostname;
        }
        for (const property of Object.keys(r)) {
          if (SYSTEM_PROPERTIES.has(property))
            throw new OarHttpError(
              403,
              'Forbidden',
              `The property "${property}" is a system one and can't be assigned by the admin`,
            );
          if (!SETTABLE_COLUMNS.has(property))
            throw new OarHttpError(500, 'SQL query failed into resources creation', [
              `Error: ERROR:  column "${property}" of relation "resources" does not exist`,
            ]);
        }
      }
      const ids = rows.map((r) => cluster.insertResource(r));
      scheduler.requestPass();
      const items = ids.map((id) => JSON.stringify({ id, links: [{ href: `resources/${id}`, rel: 'self' }] }));
      req.sendJsonText(200, envelope(req, items, ids.length, undefined, postedParams(req)));
    })
    .on('POST', '/resources/:id/state', (req, [id]) => {
      admin(req, 'creating new resources', 'create new resources');
      const posted = readPosted(req, 'Job');
      const state = Array.isArray(posted) ? undefined : posted.state;
      if (!state)
        throw new OarHttpError(400, 'Missing Required Field', 'A state change request must have a "state" field!');
      if (typeof state !== 'string' || !SETTABLE_STATES.has(state))
        throw new OarHttpError(400, 'Bad state', 'State mut be Alive, Absent or Dead!');
      const r = cluster.resource(Number(id));
      if (r) scheduler.setResourceState(r, state as ResourceState);
      req.send(200, {
        api_timestamp: req.now,
        id,
        status: 'Change state request registered',
        uri: `${req.base}/resources/${id}`,
      });
    })
    .on('DELETE', '/resources/:id', (req, [id]) => {
      // oarapi.pl 2.5.9 reads this route's format from the wrong regex group: only headers count.
      req.negotiate(undefined);
      admin(req, 'deleting new resources', 'delete resources');
      const r = cluster.resource(Number(id));
      if (!r) throw new OarHttpError(404, 'Not found', `Corresponding resource could not be found (${id},,)`);
      if (r.state !== 'Dead') throw new OarHttpError(403, 'Forbidden', `The resource ${id} must be in the Dead status`);
      cluster.deleteResource(r);
      req.send(200, { api_timestamp: req.now, status: 'deleted' });
    });
}
