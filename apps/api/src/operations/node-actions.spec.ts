import { isTransient, OarHttpError, oarHttpError, type OarClient, type Resource } from '@oar-live/oar-client';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_DIR } from '../../../../test/support/oar-fixtures';
import type { Operation, TargetResult } from '@oar-live/shared';
import type { ClusterAnnotations } from '../cluster/cluster-annotations';
import type { ExecutionContext } from './execution';
import { NodeActions, planNodeRows } from './node-actions';

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

describe('NodeActions.delete', () => {
  /** An OAR whose node checker turns resource 2 Suspected once, right after it was listed Dead. */
  function oarWithANodeChecker() {
    const calls: string[] = [];
    let suspectedOnce = false;
    const rows = [resource(1, 'n1', 1, 1), resource(2, 'n1', 1, 2)].map((row) => ({ ...row, state: 'Dead' }));
    const oar = {
      resources: {
        list: async () => rows,
        nodeJobIds: async () => [],
        setState: async (id: number, state: string) => void calls.push(`state ${id} ${state}`),
        delete: async (id: number) => {
          if (id === 2 && !suspectedOnce) {
            suspectedOnce = true;
            calls.push(`refused ${id}`);
            throw oarHttpError(403, 'Forbidden', 'The resource 2 must be in the Dead status', 'DELETE /resources/2');
          }
          calls.push(`delete ${id}`);
          return { status: 'deleted' };
        },
      },
    };
    const annotations = { forgetStateReason: async (node: string) => void calls.push(`forget reason of ${node}`) };
    return {
      calls,
      actions: new NodeActions(oar as unknown as OarClient, annotations as unknown as ClusterAnnotations),
    };
  }

  it('sets a resource Dead again and retries when OAR refuses to delete it as not Dead', async () => {
    const { calls, actions } = oarWithANodeChecker();
    const saved: TargetResult[] = [];
    const context = {
      operation: { results: [], targets: ['n1'] } as unknown as Operation,
      saveResult: async (result: TargetResult) => void saved.push(result),
    } as unknown as ExecutionContext;
    const outcome = await actions.delete(context, { kind: 'node.delete', names: ['n1'], force: false });
    expect(outcome.results).toEqual([
      { target: 'n1', ok: true, result: { deletedResourceIds: [1, 2], cancelledJobIds: [] } },
    ]);
    expect(calls).toEqual(['delete 1', 'refused 2', 'state 2 Dead', 'delete 2', 'forget reason of n1']);
  });
});

describe('NodeActions.create', () => {
  it("fails at once, naming the property, when OAR has no column for it (OAR's 500 is not retried)", async () => {
    const sample = JSON.parse(
      readFileSync(join(FIXTURE_DIR, 'error-resource-create-unknown-column-500.json'), 'utf8'),
    ) as { title: string; message: string[] };
    const oarError = new OarHttpError(500, sample.title, sample.message.join('\n'), 'POST /resources');
    const oar = {
      resources: {
        full: async () => sandbox,
        create: async () => {
          throw oarError;
        },
      },
    };
    const context = {
      data: {},
      updateData: async () => undefined,
      setTargets: async () => undefined,
    } as unknown as ExecutionContext;
    const actions = new NodeActions(oar as unknown as OarClient, {} as ClusterAnnotations);
    const failure = await actions
      .create(context, { kind: 'node.create', count: 1, prefix: 'node', cpus: 1, coresPerCpu: 1 })
      .catch((err: unknown) => err);
    expect(isTransient(oarError)).toBe(false);
    expect(failure).toMatchObject({
      status: 400,
      message:
        'properties: OAR has no resource property "properties" (an OAR admin adds it with oarproperty -a properties)',
    });
  });
});
