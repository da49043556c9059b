import type { Job } from '@oar-live/oar-client';
import { isTheSubmit, mayBeTheSubmit, requestedWalltime } from './submit-reconciliation';

/** The fields compared, as OAR recorded them in test/fixtures/oar/job-running.json. */
const command: Job = {
  id: 2,
  name: 'api-cmd',
  user: 'alice',
  queue: 'default',
  state: 'Running',
  command: 'echo start; sleep 40; echo end',
  submittedAt: new Date(1795552828 * 1000).toISOString(),
  walltime: 300,
  directory: '/home/alice',
  project: 'default',
  types: [],
  nodes: ['node1'],
  resourceIds: [1],
};
/** An uploaded script as OAR runs it (test/fixtures/oar/job-terminated.json). */
const script: Job = { ...command, id: 4, name: 'api-script', command: './oarapi.subscript.tEnjW', walltime: 120 };
const submittedMs = Date.parse(command.submittedAt);

describe('finding the job an interrupted submit made', () => {
  const request = { command: command.command, name: 'api-cmd', resources: '/nodes=1/core=1,walltime=00:05:00' };

  it('keeps the owner’s jobs submitted since the intent under the same name (none given = none in OAR)', () => {
    expect(mayBeTheSubmit(command, request, 'alice', submittedMs)).toBe(true);
    expect(mayBeTheSubmit(command, request, 'bob', submittedMs)).toBe(false);
    expect(mayBeTheSubmit(command, request, 'alice', submittedMs + 1000)).toBe(false);
    expect(mayBeTheSubmit(command, { ...request, name: undefined }, 'alice', submittedMs)).toBe(false);
    expect(mayBeTheSubmit({ ...command, name: null }, { ...request, name: undefined }, 'alice', submittedMs)).toBe(
      true,
    );
  });

  it('compares what the job runs and the options OAR keeps', () => {
    expect(isTheSubmit(command, request)).toBe(true);
    expect(isTheSubmit(command, { ...request, command: 'echo start' })).toBe(false);
    expect(isTheSubmit(command, { ...request, resources: '/nodes=1/core=1,walltime=00:06:00' })).toBe(false);
    expect(isTheSubmit(command, { ...request, queue: 'besteffort' })).toBe(false);
    expect(isTheSubmit(command, { ...request, directory: '/tmp' })).toBe(false);
    expect(isTheSubmit(command, { ...request, types: ['besteffort'] })).toBe(false);
    expect(isTheSubmit(command, { ...request, queue: 'default', directory: '/home/alice', project: 'default' })).toBe(
      true,
    );
  });

  it('takes a job OAR runs from an uploaded script for a script submit, never for a command', () => {
    const upload = { script: '#!/bin/bash\necho hi\n', resources: '/nodes=1/core=1,walltime=00:02:00' };
    expect(isTheSubmit(script, upload)).toBe(true);
    expect(isTheSubmit(command, upload)).toBe(false);
    expect(isTheSubmit(script, { command: './oarapi.subscript.tEnjW', resources: upload.resources })).toBe(true);
    expect(isTheSubmit(script, { command: 'true', resources: upload.resources })).toBe(false);
  });

  it('reads the walltime of a resource request as OAR does (a bare number is hours)', () => {
    expect(requestedWalltime('/nodes=1,walltime=01:30:00')).toBe(5400);
    expect(requestedWalltime('/core=1,walltime=0:2')).toBe(120);
    expect(requestedWalltime('walltime=2')).toBe(7200);
    expect(requestedWalltime(['/nodes=2', '/nodes=1,walltime=00:00:30'])).toBe(30);
    expect(requestedWalltime('/nodes=1')).toBeUndefined();
    expect(requestedWalltime(undefined)).toBeUndefined();
  });
});
