import fc from 'fast-check';
import { jobActionRefusal, nodeActionRefusal, type Actor } from './action-rules';
import { JOB_ACTIONS, NODE_ACTIONS } from './api-requests';

const alice: Actor = { oarLogin: 'alice', roles: ['user'] };
const admin: Actor = { oarLogin: 'oar', roles: ['admin'] };
const viewer: Actor = { oarLogin: 'watcher', roles: ['viewer'] };
/** The actions the rules let `actor` take on `job` now. */
const allowedJobActions = (job: { id: number; user: string; state: string }, actor: Actor) =>
  JOB_ACTIONS.filter((action) => !jobActionRefusal(action, job, actor));
const allowedNodeActions = (node: { name: string; state: string; jobIds: readonly number[] }, actor: Actor) =>
  NODE_ACTIONS.filter((action) => !nodeActionRefusal(action, node, actor));
const STATES = ['Hold', 'Waiting', 'toLaunch', 'Launching', 'Running', 'Suspended', 'Finishing', 'Terminated', 'Error'];

describe('action rules (shared by the web app and the API)', () => {
  it('offers hold only on Waiting jobs, resume only on held or suspended ones, cancel until the job ends', () => {
    const own = (state: string) => allowedJobActions({ id: 1, user: 'alice', state }, alice);
    expect(own('Waiting')).toEqual(['cancel', 'hold']);
    expect(own('Running')).toEqual(['cancel']);
    expect(own('Hold')).toEqual(['cancel', 'resume']);
    expect(own('Suspended')).toEqual(['cancel', 'resume']);
    expect(own('Finishing')).toEqual([]);
    expect(own('Terminated')).toEqual([]);
    expect(own('Error')).toEqual([]);
  });

  it("never lets a user act on another user's job, lets an admin, and never a viewer", () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATES), fc.constantFrom('cancel', 'hold', 'resume'), (state, action) => {
        const bobs = { id: 7, user: 'bob', state };
        expect(jobActionRefusal(action, bobs, alice)).toEqual({
          status: 403,
          reason: 'Job 7 belongs to bob; only its owner or an admin may act on it.',
        });
        expect(jobActionRefusal(action, bobs, viewer)?.status).toBe(403);
        expect(jobActionRefusal(action, bobs, admin)).toEqual(
          jobActionRefusal(action, { ...bobs, user: 'alice' }, alice),
        );
      }),
    );
    expect(jobActionRefusal('hold', { id: 3, user: 'alice', state: 'Running' }, alice)).toEqual({
      status: 409,
      reason: 'Job 3 is Running; only a Waiting job can be held.',
    });
  });

  it('refuses to retire a node that runs jobs unless they are to be killed', () => {
    const busy = { name: 'node2', state: 'Absent', jobIds: [5, 6] };
    expect(nodeActionRefusal('delete', busy, admin)).toEqual({
      status: 409,
      reason:
        'node2 still runs 2 jobs (5, 6); set it Absent and retire it once its jobs end, or retire it and kill them.',
    });
    expect(nodeActionRefusal('delete', busy, admin, { killJobs: true })).toBeUndefined();
    expect(allowedNodeActions(busy, admin)).toEqual(['alive', 'absent', 'dead']);
    expect(allowedNodeActions({ name: 'node1', state: 'Alive', jobIds: [] }, admin)).toEqual([
      'alive',
      'absent',
      'dead',
      'delete',
    ]);
    expect(allowedNodeActions({ name: 'node1', state: 'Alive', jobIds: [] }, alice)).toEqual([]);
  });
});
