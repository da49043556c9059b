import { OarHttpError } from '@oar-live/oar-client';
import { resetOarSandbox } from '../support/oar-sandbox';
import { waitFor } from '../support/wait-for';
import { basicClient, identClient } from './sandbox-clients';

describe('OarClient changes resources as the oar admin', () => {
  const oar = identClient();
  const admin = { as: 'oar' };
  beforeAll(() => resetOarSandbox());
  afterAll(() => resetOarSandbox());

  const stateOf = (id: number, state: string) =>
    waitFor(async () => (await oar.resources.get(id)).state === state, {
      timeoutMs: 15_000,
      describe: `resource ${id} ${state}`,
    });

  it('creates one row (ident) and many (Basic), sets states, and deletes Dead rows', async () => {
    const [one] = await oar.resources.create({ node: 'node9', cpu: 9, core: 17, cpuset: 0 }, admin);
    const many = await basicClient().resources.create(
      [
        { node: 'node10', cpu: 10, core: 19, cpuset: 0 },
        { node: 'node10', cpu: 10, core: 20, cpuset: 1 },
      ],
      admin,
    );
    expect([one, ...many]).toEqual([9, 10, 11]);
    const created = await oar.resources.get(one);
    expect(created).toMatchObject({ id: 9, node: 'node9', cpu: 9, core: 17, cpuset: 0 });
    expect(created.host).toBeUndefined(); // OAR set host to the node's name: left out like a default
    expect((await oar.resources.ofNode('node10')).map((r) => r.id)).toEqual([10, 11]);

    const ack = await oar.resources.setState(10, 'Absent', admin);
    expect(ack).toMatchObject({ id: 10, status: 'Change state request registered' });
    await stateOf(10, 'Absent');

    for (const id of [9, 10, 11]) await oar.resources.setState(id, 'Dead', admin);
    for (const id of [9, 10, 11]) await stateOf(id, 'Dead');
    for (const id of [9, 10, 11]) await oar.resources.delete(id, admin);
    const left = await oar.resources.full();
    expect(left.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await expect(oar.resources.get(9)).rejects.toMatchObject({ status: 404 } satisfies Partial<OarHttpError>);
  });
});
