import {
  emptyJobRequest,
  jobRequestBody,
  oarsubEquivalent,
  validateJobRequest,
  walltimeSeconds,
  type JobRequest,
} from './job-request';

const request = (patch: Partial<JobRequest>): JobRequest => ({ ...emptyJobRequest(), ...patch });

describe('job request (submit form model)', () => {
  it('names every field at fault', () => {
    const errors = validateJobRequest(
      request({
        command: ' ',
        nodes: 0,
        coresPerNode: 1.5,
        walltime: '1h',
        name: 'bad name',
        queue: 'a-b',
        types: 'ok, no/way',
      }),
    );
    expect(Object.keys(errors).sort()).toEqual([
      'command',
      'coresPerNode',
      'name',
      'nodes',
      'queue',
      'types',
      'walltime',
    ]);
    expect(validateJobRequest(request({ command: 'hostname' }))).toEqual({});
    expect(validateJobRequest(request({ mode: 'script' }))).toHaveProperty('script');
    expect(validateJobRequest(request({ mode: 'script', scriptText: 'x'.repeat(256 * 1024 + 1) })).script).toMatch(
      /256 KiB/,
    );
  });

  it('a raw OAR expression replaces the nodes × cores builder', () => {
    const r = request({ command: 'hostname', nodes: 0, resourcesText: '/nodes=2/core=4' });
    expect(validateJobRequest(r)).toEqual({});
    expect(jobRequestBody(r)).toEqual({ command: 'hostname', resources: '/nodes=2/core=4', walltime: '00:10:00' });
  });

  it('reads walltimes as hours:minutes[:seconds]', () => {
    expect(walltimeSeconds('1:30')).toBe(5400);
    expect(walltimeSeconds('00:00:05')).toBe(5);
    expect(walltimeSeconds('0:00')).toBeUndefined();
    expect(walltimeSeconds('90')).toBeUndefined();
  });

  it('writes the oarsub line a user would type, quoted for the shell', () => {
    expect(
      oarsubEquivalent(
        request({
          command: "echo 'hi' && sleep 1",
          name: 'demo',
          queue: 'besteffort',
          properties: "host='node1'",
          types: 'deploy',
        }),
      ),
    ).toBe(
      `oarsub -l /nodes=1/core=1,walltime=00:10:00 -n demo -q besteffort -p 'host='\\''node1'\\''' -t deploy 'echo '\\''hi'\\'' && sleep 1'`,
    );
    expect(oarsubEquivalent(request({ mode: 'script', scriptName: 'run me.sh', walltime: '' }))).toBe(
      "oarsub -l /nodes=1/core=1 -S './run me.sh'",
    );
  });
});
