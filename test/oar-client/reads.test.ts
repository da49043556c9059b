import { OarClient } from '@oar-live/oar-client';
import { resetOarSandbox } from '../support/oar-sandbox';
import { basicClient, identClient, sandboxUrl } from './sandbox-clients';

const NODES = ['node1', 'node2', 'node3', 'node4'];

describe('OarClient reads from the real OAR 2.5.9 sandbox', () => {
  const oar = identClient();
  beforeAll(() => resetOarSandbox());

  it('root, version and timezone', async () => {
    const [root, version, timezone] = await Promise.all([oar.root(), oar.version(), oar.timezone()]);
    expect(version).toMatchObject({
      oarVersion: '2.5.9 (Canicule)',
      apiVersion: '1.0.2',
      apilibVersion: '1.0.2',
      timezone: 'UTC',
    });
    expect(root).toMatchObject({ oarVersion: version.oarVersion, apiVersion: version.apiVersion });
    expect(timezone.timezone).toBe('UTC');
    expect(Math.abs(Date.parse(version.serverTime) - Date.now())).toBeLessThan(60_000);
  });

  it('whoami: anonymous, the ident login, the Basic login; auth none sends no identity', async () => {
    const none = new OarClient({ baseUrl: sandboxUrl(), auth: 'none' });
    const basic = basicClient();
    expect(await oar.whoami()).toBeNull();
    expect(await oar.whoami({ as: 'alice' })).toBe('alice');
    expect(await oar.whoami({ as: 'oar' })).toBe('oar');
    expect(await none.whoami({ as: 'alice' })).toBeNull();
    expect(await basic.whoami({ as: 'alice' })).toBe('alice');
    expect(await basic.whoami({ as: 'oar' })).toBe('oar');
  });

  it('resources: list, full, one, by node — 4 nodes × 2 cores, all Alive', async () => {
    const [list, full, one, node2] = await Promise.all([
      oar.resources.list(),
      oar.resources.full(),
      oar.resources.get(3),
      oar.resources.ofNode('node2'),
    ]);
    expect(list.map((r) => [r.id, r.node, r.state])).toEqual(full.map((r) => [r.id, r.node, r.state]));
    expect(full.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...new Set(full.map((r) => r.node))]).toEqual(NODES);
    // host is each node's own name there, so the model leaves it out (as it does OAR's defaults).
    expect(full.every((r) => r.state === 'Alive' && r.host === undefined && r.cpuset !== undefined)).toBe(true);
    expect(list.every((r) => r.cpuset === undefined)).toBe(true); // the short form has no such columns
    expect(one).toEqual(full[2]);
    expect(node2.map((r) => r.id)).toEqual([3, 4]);
  });

  it('jobs of an idle resource and node: none', async () => {
    expect(await oar.resources.jobIds(1)).toEqual([]);
    expect(await oar.resources.nodeJobIds('node1')).toEqual([]);
    expect(await oar.jobs.list()).toEqual([]);
    expect(await oar.jobs.details()).toEqual([]);
    expect(await oar.jobs.table()).toEqual([]);
  });

  it('pagination: limit=2 gives pages of 2 with a next link, and the client walks all of them, in both auth modes', async () => {
    const firstPage = (await oar.request(
      { path: 'resources/full', query: { limit: '2', offset: '0' } },
      (body) => body,
    )) as {
      items: unknown[];
      total: number;
      links: { rel: string; href: string }[];
    };
    expect([firstPage.items.length, firstPage.total]).toEqual([2, 8]);
    expect(firstPage.links).toContainEqual({ rel: 'next', href: '/oarapi/resources/full.json?limit=2&offset=2' });

    const ids: number[] = [];
    for await (const item of oar.paginate('resources/full', { limit: 2 })) ids.push(item.id as number);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const basic = await basicClient({ pageSize: 3 }).resources.list({ as: 'alice' });
    expect(basic.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
