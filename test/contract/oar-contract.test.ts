/**
 * The same scenarios against the real OAR 2.5.9 sandbox and against oar-sim, compared step by step
 * (status, content type, key sets and value types, fixed values, job state sequences; see
 * ./compare.ts). Run under the sandbox lock: flock /tmp/oar-live-sandbox.lock npx jest test/contract
 */
import { startOarSim, type OarSim } from '@oar-live/oar-sim';
import { resetOarSandbox } from '../support/oar-sandbox';
import { freePort } from '../support/redis-server';
import { compareSteps } from './compare';
import * as scenarios from './scenarios';
import { Session } from './session';

jest.setTimeout(240000);

let sim: OarSim | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function bothSides(scenario: (s: Session) => Promise<void>): Promise<string[]> {
  resetOarSandbox();
  sim = await startOarSim({ host: '127.0.0.1', port: await freePort(), nodes: 4, coresPerNode: 2 });
  const real = new Session({ name: 'real OAR', url: process.env.OAR_SANDBOX_URL! });
  const simulated = new Session({ name: 'oar-sim', url: sim.url });
  await Promise.all([scenario(real), scenario(simulated)]);
  return compareSteps(real.steps, simulated.steps);
}

describe('oar-sim answers like the real OAR 2.5.9', () => {
  it('reads every endpoint', async () => {
    expect(await bothSides(scenarios.readEveryEndpoint)).toEqual([]);
  });

  it('runs a command job and a script job to Terminated', async () => {
    expect(await bothSides(scenarios.commandAndScriptJobs)).toEqual([]);
  });

  it('cancels a Waiting and a Running job', async () => {
    expect(await bothSides(scenarios.cancelWaitingAndRunning)).toEqual([]);
  });

  it('holds and resumes a job', async () => {
    expect(await bothSides(scenarios.holdAndResume)).toEqual([]);
  });

  it('creates resources, sets their state and deletes them', async () => {
    expect(await bothSides(scenarios.resources)).toEqual([]);
  });

  it('answers every error case of the recipe the same way', async () => {
    expect(await bothSides(scenarios.errorCases)).toEqual([]);
  });
});
