import fc from 'fast-check';
import { loadFixtures } from '../../../test/support/oar-fixtures';
import { mapJob, mapResource, parsePage } from './mapping';
import type { Job, Resource } from './model';
import { buildNodes, buildNodesPaced } from './nodes';

const fixture = (file: string) => loadFixtures().find((f) => f.file === file)!.body;
const resource = (id: number, node: string, state = 'Alive'): Resource => ({ id, node, state, jobIds: [] });
const job = (id: number, state: string, resourceIds: number[]): Job => ({
  id,
  name: null,
  user: 'alice',
  queue: 'default',
  state,
  command: 'true',
  submittedAt: '2026-11-25T16:00:00.000Z',
  nodes: [],
  resourceIds,
});

describe('buildNodes', () => {
  it('groups the recorded resources by node and joins the recorded running jobs', () => {
    const resources = parsePage(fixture('resources-full-busy.json')).items.map(mapResource);
    const jobs = parsePage(fixture('jobs-details-running-and-waiting.json')).items.map(mapJob);
    const nodes = buildNodes(resources, jobs);
    expect(nodes.map((n) => [n.name, n.state, n.totalCores])).toEqual([
      ['node1', 'Alive', 2],
      ['node2', 'Alive', 2],
      ['node3', 'Alive', 2],
      ['node4', 'Alive', 2],
    ]);
    // job 2 runs on resource 1 (node1); job 3 is Waiting with no resources
    expect(nodes[0]).toMatchObject({ jobIds: [2], busyCores: 1 });
    expect(nodes[0].resources.map((r) => r.jobIds)).toEqual([[2], []]);
    expect(nodes.slice(1).every((n) => n.busyCores === 0 && n.jobIds.length === 0)).toBe(true);
  });

  it('keeps cores only planned for a Waiting job out of the busy ones and the node jobs', () => {
    const resources = parsePage(fixture('resources-full-busy.json')).items.map(mapResource);
    const jobs = parsePage(fixture('jobs-details-running-and-waiting-as-alice.json')).items.map(mapJob);
    const nodes = buildNodes(resources, jobs);
    // job 2 runs on resource 1 (node1); Waiting job 3 is planned on all 8 cores
    expect(nodes[0]).toMatchObject({ jobIds: [2], busyCores: 1, plannedJobIds: [3], plannedCores: 1 });
    expect(nodes[0].resources.map((r) => [r.jobIds, r.plannedJobIds])).toEqual([
      [[2], [3]],
      [[], [3]],
    ]);
    for (const node of nodes.slice(1))
      expect(node).toMatchObject({ jobIds: [], busyCores: 0, plannedJobIds: [3], plannedCores: 2 });
  });

  it('derives mixed node states in RESOURCE_STATES order, unknown states last', () => {
    const nodes = buildNodes(
      [
        resource(1, 'n1', 'Absent'),
        resource(2, 'n1', 'Alive'),
        resource(3, 'n2', 'Dead'),
        resource(4, 'n2', 'Weird'),
        resource(5, 'n2', 'Suspected'),
      ],
      [],
    );
    expect(nodes.map((n) => n.state)).toEqual(['Alive/Absent', 'Suspected/Dead/Weird']);
  });

  it("keeps the site's own resource properties and joins the values a node's cores disagree on", () => {
    // Recorded after `oarproperty -a cluster -c; -a switch -c; -a gpu` and oarnodesetting: node4's two
    // cores are on switches sw2 and sw3, and node4 has no gpu value (NULL).
    const resources = parsePage(fixture('resources-full-site-properties.json')).items.map(mapResource);
    expect(resources.find((r) => r.id === 1)!.properties).toEqual({ cluster: 'alpha', switch: 'sw1', gpu: '0' });
    const nodes = buildNodes(resources, []);
    expect(Object.fromEntries(nodes.map((n) => [n.name, n.properties]))).toEqual({
      node1: { cluster: 'alpha', gpu: '0', switch: 'sw1' },
      node2: { cluster: 'alpha', gpu: '0', switch: 'sw1' },
      node3: { cluster: 'beta', gpu: '1', switch: 'sw2' },
      node4: { cluster: 'beta', switch: 'sw2/sw3' },
    });
  });

  it('gives nodes of a site without properties of its own an empty set (host, cpu, core are OAR fields)', () => {
    const resources = parsePage(fixture('resources-full-busy.json')).items.map(mapResource);
    expect(resources.every((r) => r.properties === undefined)).toBe(true);
    expect(buildNodes(resources, []).map((n) => n.properties)).toEqual([{}, {}, {}, {}]);
  });

  it('orders nodes by natural name and ignores finished jobs', () => {
    const nodes = buildNodes(
      [resource(3, 'node10'), resource(1, 'node2'), resource(2, 'node2')],
      [job(7, 'Terminated', [1]), job(8, 'Error', [2]), job(9, 'Running', [2, 3]), job(10, 'Launching', [2])],
    );
    expect(nodes.map((n) => n.name)).toEqual(['node2', 'node10']);
    expect(nodes[0]).toMatchObject({ jobIds: [9, 10], busyCores: 1, totalCores: 2 });
    expect(nodes[0].resources.map((r) => [r.id, r.jobIds])).toEqual([
      [1, []],
      [2, [9, 10]],
    ]);
    expect(nodes[1]).toMatchObject({ jobIds: [9], busyCores: 1 });
  });

  it('keeps every resource exactly once and counts cores consistently (random clusters)', () => {
    const states = ['Alive', 'Absent', 'Suspected', 'Dead', 'Running', 'Terminated', 'Waiting'];
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({ id: fc.integer({ min: 1, max: 60 }), node: fc.constantFrom('a', 'b1', 'b10', 'b2') }),
          {
            selector: (r) => r.id,
          },
        ),
        fc.array(fc.record({ state: fc.constantFrom(...states), ids: fc.array(fc.integer({ min: 1, max: 60 })) })),
        (rows, jobSpecs) => {
          const resources = rows.map((r) => resource(r.id, r.node));
          const jobs = jobSpecs.map((j, i) => job(i + 1, j.state, j.ids));
          const nodes = buildNodes(resources, jobs);
          expect(nodes.flatMap((n) => n.resources.map((r) => r.id)).sort((a, b) => a - b)).toEqual(
            rows.map((r) => r.id).sort((a, b) => a - b),
          );
          for (const node of nodes) {
            expect(node.resources.every((r) => rows.find((row) => row.id === r.id)!.node === node.name)).toBe(true);
            expect(node.resources.every((r) => !('node' in r))).toBe(true);
            expect(node.totalCores).toBe(node.resources.length);
            expect(node.busyCores).toBe(node.resources.filter((r) => r.jobIds.length > 0).length);
            for (const r of node.resources) {
              const expected = jobs
                .filter((j) => !['Terminated', 'Error'].includes(j.state) && j.resourceIds.includes(r.id))
                .map((j) => j.id);
              expect(r.jobIds).toEqual(expected);
            }
          }
        },
      ),
    );
  });
});

describe('buildNodesPaced', () => {
  it('builds what buildNodes builds, a slice at a time, letting other work run between slices', async () => {
    // 1,200 nodes of 2 cores, in no order, a running job on the first cores of 600 of them.
    const resources = Array.from({ length: 2400 }, (_, i) => resource(2400 - i, `node${1 + ((i * 7) % 1200)}`));
    const jobs = Array.from({ length: 600 }, (_, i) => job(i + 1, 'Running', [2 * i + 1]));
    let otherWorkRan = false;
    setImmediate(() => (otherWorkRan = true));
    const paced = buildNodesPaced(resources, jobs);
    expect(otherWorkRan).toBe(false);
    const nodes = await paced;
    expect(otherWorkRan).toBe(true);
    expect(nodes).toEqual(buildNodes(resources, jobs));
    expect(nodes).toHaveLength(1200);
  });
});
