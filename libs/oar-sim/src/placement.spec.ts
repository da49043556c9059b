import { SimClock } from './clock';
import { Cluster } from './cluster';
import { place } from './placement';
import { parseResourceRequest } from './resource-request';

function cluster(nodes: number, cores: number): Cluster {
  const c = new Cluster(new SimClock());
  c.addNodes(nodes, cores);
  return c;
}

describe('place', () => {
  const all = () => true;

  it('takes M cores on each of N nodes for /nodes=N/core=M', () => {
    const c = cluster(3, 4);
    const ids = place({ groups: parseResourceRequest('/nodes=2/core=3').groups, resources: c.resources, usable: all });
    expect(ids).toEqual([1, 2, 3, 5, 6, 7]);
  });

  it('gives whole nodes for /nodes=N and skips a node with one busy core', () => {
    const c = cluster(3, 2);
    const ids = place({
      groups: parseResourceRequest('/nodes=1').groups,
      resources: c.resources,
      usable: (r) => r.id !== 2,
    });
    expect(ids).toEqual([3, 4]);
  });

  it('spreads core=K over nodes when no node level is named', () => {
    const c = cluster(2, 2);
    expect(place({ groups: parseResourceRequest('core=3').groups, resources: c.resources, usable: all })).toEqual([
      1, 2, 3,
    ]);
  });

  it('returns null when the request cannot be met', () => {
    const c = cluster(2, 2);
    expect(place({ groups: parseResourceRequest('/nodes=3').groups, resources: c.resources, usable: all })).toBeNull();
  });

  it('honours a property filter', () => {
    const c = cluster(3, 1);
    const ids = place({
      groups: parseResourceRequest('/nodes=1').groups,
      resources: c.resources,
      usable: all,
      matches: (r) => r.network_address === 'node3',
    });
    expect(ids).toEqual([3]);
  });
});
