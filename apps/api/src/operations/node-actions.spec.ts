import type { Resource } from '@oar-live/oar-client';
import { planNodeRows } from './node-actions';

const resource = (id: number, node: string, cpu: number, core: number): Resource => ({
  id,
  node,
  state: 'Alive',
  cpu,
  core,
  cpuset: (core - 1) % 2,
  jobIds: [],
});
const sandbox = [1, 2, 3, 4].flatMap((n) => [
  resource(2 * n - 1, `node${n}`, n, 2 * n - 1),
  resource(2 * n, `node${n}`, n, 2 * n),
]);

describe('planNodeRows', () => {
  it('names nodes from the prefix with the next free index and numbers cpus and cores after the existing ones', () => {
    expect(
      planNodeRows(sandbox, { count: 2, prefix: 'node', cpus: 2, coresPerCpu: 2, properties: { rack: 'r1' } }),
    ).toEqual([
      { node: 'node5', cpu: 5, core: 9, cpuset: 0, properties: { rack: 'r1' } },
      { node: 'node5', cpu: 5, core: 10, cpuset: 1, properties: { rack: 'r1' } },
      { node: 'node5', cpu: 6, core: 11, cpuset: 2, properties: { rack: 'r1' } },
      { node: 'node5', cpu: 6, core: 12, cpuset: 3, properties: { rack: 'r1' } },
      { node: 'node6', cpu: 7, core: 13, cpuset: 0, properties: { rack: 'r1' } },
      { node: 'node6', cpu: 7, core: 14, cpuset: 1, properties: { rack: 'r1' } },
      { node: 'node6', cpu: 8, core: 15, cpuset: 2, properties: { rack: 'r1' } },
      { node: 'node6', cpu: 8, core: 16, cpuset: 3, properties: { rack: 'r1' } },
    ]);
  });

  it('starts a new prefix at 1, ignores names that only look alike, and skips given names that exist', () => {
    const existing = [...sandbox, resource(9, 'gpu7x', 9, 9), resource(10, 'gpu.old', 10, 10)];
    expect(planNodeRows(existing, { count: 1, prefix: 'gpu', cpus: 1, coresPerCpu: 1 }).map((row) => row.node)).toEqual(
      ['gpu1'],
    );
    expect(
      planNodeRows(existing, { count: 2, prefix: 'x', names: ['node2', 'fresh'], cpus: 1, coresPerCpu: 1 }).map(
        (row) => row.node,
      ),
    ).toEqual(['fresh']);
  });
});
