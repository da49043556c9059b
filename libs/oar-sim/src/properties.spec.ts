import { SimClock } from './clock';
import { Cluster } from './cluster';
import { compileProperty } from './properties';

describe('compileProperty', () => {
  const cluster = new Cluster(new SimClock());
  cluster.addNodes(3, 2);
  const ids = (filter: string) => cluster.resources.filter(compileProperty(filter)).map((r) => r.id);

  it.each([
    ["network_address='node2'", [3, 4]],
    ["network_address = 'node2' OR host='node3'", [3, 4, 5, 6]],
    ['cpu >= 2 AND NOT (core IN (3, 6))', [4, 5]],
    ["(network_address <> 'node1') AND cpuset = 0", [3, 5]],
    ['resource_id < 3', [1, 2]],
  ])('%s selects %j', (filter, expected) => {
    expect(ids(filter)).toEqual(expected);
  });

  it('refuses an unknown column like PostgreSQL, and bad syntax', () => {
    expect(() => compileProperty("gpu_model='A100'")).toThrow(/column "gpu_model" does not exist/);
    expect(() => compileProperty("cpu = = 'x'")).toThrow(/syntax error/);
    expect(() => compileProperty('(cpu = 1')).toThrow(/syntax error/);
  });
});
