import { buildNodes, type Job, type Resource } from '@oar-live/oar-client';
import fc from 'fast-check';
import { NodeBuilder } from './node-builder';

const resource = (id: number, node: string, state = 'Alive'): Resource => ({ id, node, state, jobIds: [] });
const job = (id: number, resourceIds: number[], plannedResourceIds?: number[]): Job => ({
  id,
  name: null,
  user: 'alice',
  queue: 'default',
  state: plannedResourceIds ? 'Waiting' : 'Running',
  command: 'true',
  submittedAt: '2026-11-25T16:00:00.000Z',
  nodes: [],
  resourceIds,
  ...(plannedResourceIds && { plannedResourceIds }),
});

describe('NodeBuilder', () => {
  const rows = [resource(1, 'b10'), resource(2, 'b10'), resource(3, 'b2'), resource(4, 'b2'), resource(5, 'a')];

  it('keeps the Node of every node whose rows and jobs are unchanged, and builds the others anew', async () => {
    const builder = new NodeBuilder();
    const first = await builder.build(rows, [job(7, [1])]);
    const changedRow = { ...rows[3], state: 'Absent' };
    const second = await builder.build([rows[0], rows[1], rows[2], changedRow, rows[4]], [job(7, [1])]);
    expect(second.map((n) => n.name)).toEqual(['a', 'b2', 'b10']);
    expect(second[0]).toBe(first[0]);
    expect(second[2]).toBe(first[2]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1].state).toBe('Alive/Absent');
  });

  it('builds a node anew when a job starts, ends or is planned on it, though its rows are the same', async () => {
    const builder = new NodeBuilder();
    const [, , idle] = await builder.build(rows, []);
    const [, , running] = await builder.build(rows, [job(7, [2])]);
    expect(running).not.toBe(idle);
    expect(running.jobIds).toEqual([7]);
    const [, , planned] = await builder.build(rows, [job(8, [], [2])]);
    expect(planned.jobIds).toEqual([]);
    expect(planned.plannedJobIds).toEqual([8]);
    const [, , again] = await builder.build(rows, []);
    expect(again.plannedJobIds).toBeUndefined();
  });

  it('gives what buildNodes gives, poll after poll (random clusters)', async () => {
    const nodes = ['a', 'b1', 'b10', 'b2'];
    const poll = fc.record({
      rows: fc.uniqueArray(
        fc.record({
          id: fc.integer({ min: 1, max: 30 }),
          node: fc.constantFrom(...nodes),
          state: fc.constantFrom('Alive', 'Absent'),
        }),
        { selector: (row) => row.id },
      ),
      jobs: fc.array(
        fc.record({
          ids: fc.uniqueArray(fc.integer({ min: 1, max: 30 })),
          planned: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 30 })), { nil: undefined }),
        }),
        { maxLength: 4 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(poll, { minLength: 1, maxLength: 4 }), async (polls) => {
        const builder = new NodeBuilder();
        /** Rows equal to the last poll's are the same objects, as the reader keeps them. */
        const kept = new Map<string, Resource>();
        for (const { rows: shapes, jobs: specs } of polls) {
          const resources = shapes.map((shape) => {
            const key = JSON.stringify(shape);
            const row = kept.get(key) ?? { ...shape, jobIds: [] };
            kept.set(key, row);
            return row;
          });
          const jobs = specs.map((spec, i) => job(i + 1, spec.planned ? [] : spec.ids, spec.planned));
          expect(await builder.build(resources, jobs)).toEqual(buildNodes(resources, jobs));
        }
      }),
    );
  });
});
