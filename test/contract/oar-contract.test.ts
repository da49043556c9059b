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
  it.each([
    ['reads every endpoint', scenarios.readEveryEndpoint],
    ['runs a command job and a script job to Terminated', scenarios.commandAndScriptJobs],
    ['cancels a Waiting and a Running job', scenarios.cancelWaitingAndRunning],
    ['holds and resumes a job', scenarios.holdAndResume],
    ['reads the light lists page by page and jobs by ids', scenarios.lightListsAndIds],
    ['creates resources, sets their state and deletes them', scenarios.resources],
    ['answers every error case of the recipe the same way', scenarios.errorCases],
    ['predicts starts in the Gantt: a queue, a dependency, a hold, a job ending early', scenarios.ganttPredictions],
    ['accepts, starts and refuses advance reservations', scenarios.reservations],
    ['backfills: a later job takes a gap, never delays an earlier one', scenarios.backfilling],
  ])('%s', async (_name, scenario) => {
    expect(await bothSides(scenario)).toEqual([]);
  });
});
