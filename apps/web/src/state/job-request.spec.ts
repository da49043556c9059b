import { emptyJobRequest, jobRequestBody, oarsubEquivalent, validateJobRequest, type JobRequest } from './job-request';

const request = (patch: Partial<JobRequest>): JobRequest => ({ ...emptyJobRequest(), ...patch });

describe('job request (submit form model)', () => {
  it('names every field at fault, in the shared rules’ words', () => {
    const errors = validateJobRequest(
      request({
        command: ' ',
        nodes: '0',
        coresPerNode: '1.5',
        walltime: '1h',
        name: 'bad name',
        queue: 'a-b',
        types: 'ok, no/way',
      }),
    );
    expect(errors).toEqual({
      command: 'Command is required (or upload a script).',
      coresPerNode: 'Cores per node must be a whole number ≥ 1.',
      name: 'Name must be 1 to 60 letters, digits, ".", "-" or "_".',
      nodes: 'Nodes must be a whole number ≥ 1.',
      queue: 'Queue must be a queue name (letters, digits, _).',
      types: 'Types each type must be 1 to 64 of letters, digits, "=", ":", ".", "-", "_".',
      walltime: 'Walltime must be HH:MM:SS, HH:MM or a number of seconds (more than 0).',
    });
    expect(validateJobRequest(request({ command: 'hostname' }))).toEqual({});
    expect(validateJobRequest(request({ mode: 'script' }))).toHaveProperty('script');
    expect(validateJobRequest(request({ mode: 'script', scriptText: 'x'.repeat(256 * 1024 + 1) })).script).toMatch(
      /larger than 262144 bytes/,
    );
  });

  it('accepts a walltime in seconds, as the API does', () => {
    expect(validateJobRequest(request({ command: 'true', walltime: '90' }))).toEqual({});
    expect(oarsubEquivalent(request({ command: 'true', walltime: '90' }))).toBe('oarsub -l walltime=00:01:30 true');
  });

  it('sends only the fields the user set: empty fields are OAR defaults, never NaN', () => {
    expect(jobRequestBody(request({ command: 'hostname' }))).toEqual({ command: 'hostname' });
    expect(jobRequestBody(request({ command: 'hostname', nodes: '', coresPerNode: '' }))).toEqual({
      command: 'hostname',
    });
    expect(jobRequestBody(request({ command: 'hostname', nodes: '2' }))).toEqual({
      command: 'hostname',
      resources: '/nodes=2',
    });
    expect(jobRequestBody(request({ command: 'hostname', coresPerNode: '4' }))).toEqual({
      command: 'hostname',
      resources: '/nodes=1/core=4',
    });
  });

  it('a raw OAR expression replaces the nodes × cores builder', () => {
    const r = request({ command: 'hostname', nodes: '0', resourcesText: '/nodes=2/core=4' });
    expect(validateJobRequest(r)).toEqual({});
    expect(jobRequestBody(r)).toEqual({ command: 'hostname', resources: '/nodes=2/core=4' });
  });

  it("previews a script's #OAR directives and sends none of them (the API reads them from the script)", () => {
    const scriptText = '#!/bin/sh\n#OAR -l /nodes=1/core=2\n#OAR -n from-script\nhostname\n';
    const r = request({ mode: 'script', scriptName: 'job.sh', scriptText });
    expect(jobRequestBody(r)).toEqual({});
    expect(oarsubEquivalent(r)).toBe('oarsub -l /nodes=1/core=2 -n from-script -S ./job.sh');
    expect(oarsubEquivalent({ ...r, name: 'mine' })).toBe('oarsub -l /nodes=1/core=2 -n mine -S ./job.sh');
    expect(validateJobRequest({ ...r, scriptText: '#OAR -l /nodes=NaN/core=NaN\n' }).script).toMatch(
      /^Script #OAR directive for resources: must be an oarsub -l resource request/,
    );
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
    ).toBe(`oarsub -n demo -q besteffort -p 'host='\\''node1'\\''' -t deploy 'echo '\\''hi'\\'' && sleep 1'`);
    expect(oarsubEquivalent(request({ mode: 'script', scriptName: 'run me.sh' }))).toBe("oarsub -S './run me.sh'");
  });
});
