import { checkScriptText, MAX_SCRIPT_BYTES, SubmitValidationError, validateSubmit } from './submit-request';

describe('validateSubmit', () => {
  it('builds the OAR request and the equivalent oarsub line from JSON fields', () => {
    expect(
      validateSubmit({
        command: 'echo "hi there"; sleep 2',
        resources: '/nodes=1/core=2',
        walltime: '1:30',
        name: 'demo',
        queue: 'default',
        types: 'besteffort, idempotent',
        properties: "host='node1'",
        directory: '/home/alice/run',
        project: 'p1',
      }),
    ).toEqual({
      request: {
        command: 'echo "hi there"; sleep 2',
        resources: '/nodes=1/core=2,walltime=01:30:00',
        name: 'demo',
        queue: 'default',
        types: ['besteffort', 'idempotent'],
        property: "host='node1'",
        directory: '/home/alice/run',
        project: 'p1',
      },
      oarsub:
        "oarsub -l /nodes=1/core=2,walltime=01:30:00 -n demo -q default -p 'host='\\''node1'\\''' -t besteffort -t idempotent --project p1 -d /home/alice/run 'echo \"hi there\"; sleep 2'",
    });
  });

  it.each([
    ['/nodes=2/core=1+/core=3', '/nodes=2/core=1+/core=3'],
    ['{gpu=1}/nodes=ALL,walltime=10', '{gpu=1}/nodes=ALL,walltime=10'],
    ['nodes=BEST', 'nodes=BEST'],
  ])('accepts the resource request %s', (resources, expected) => {
    expect(validateSubmit({ command: 'true', resources }).request.resources).toBe(expected);
  });

  it.each([
    [{ command: 'true', resources: '/nodes=abc' }, /^resources: must be an oarsub -l resource request/],
    [{ command: 'true', resources: '/nodes=0' }, /^resources: /],
    [{ command: 'true', resources: '/nodes=1,walltime=1h' }, /^resources: has a walltime that is not HH:MM:SS/],
    [{ command: 'true', walltime: '10:61:00' }, /^walltime: must be HH:MM:SS, HH:MM or a number of seconds/],
    [{ command: 'true', walltime: 0 }, /^walltime: /],
    [{ command: '' }, /^command: must not be empty/],
    [{ command: 'a\u0000b' }, /^command: must not contain control characters \(found U\+0000\)$/],
    [{ command: 'echo \u009b31m' }, /^command: must not contain control characters \(found U\+009B\)$/],
    [{ command: 'echo ok \u202e#"lanigiro"' }, /^command: must not contain bidirectional text controls.*U\+202E/],
    [{ command: 'echo \u2066x\u2069' }, /^command: must not contain bidirectional text controls.*U\+2066/],
    [{ command: 'true', properties: "host='a\u0085'" }, /^properties: must not contain control characters/],
    [{ command: 'true', name: 'a b' }, /^name: must be 1 to 60 letters/],
    [{ command: 'true', queue: 'q;rm' }, /^queue: /],
    [{ command: 'true', directory: '/home/../etc' }, /^directory: must not contain "\.\."/],
    [{ command: 'true', directory: 'relative' }, /^directory: must be an absolute path/],
    [{ command: 'true', user: 'bob' }, /Unrecognized key: "user"/],
    [{}, /^command: is required \(or upload a script\)$/],
    [{ command: 'true', script: 'echo' }, /^command: give either a command or a script, not both$/],
    [{ command: 42 }, /^command: /],
  ])('refuses bad input naming the field (%#)', (body, message) => {
    expect(() => validateSubmit(body)).toThrow(SubmitValidationError);
    expect(() => validateSubmit(body)).toThrow(message);
  });

  it('takes #OAR directives from the script as defaults that fields override', () => {
    const script = [
      '#!/bin/bash',
      '#OAR -l /nodes=1/core=1,walltime=00:05:00',
      '#OAR -n from-script',
      '#OAR --queue=default',
      '#OAR -t besteffort',
      '#OAR -p "host=\'node2\'"',
      '#OAR --project proj',
      'echo hello',
    ].join('\n');
    const { request, oarsub } = validateSubmit({ script, name: 'from-form', walltime: '120' }, 'job.sh');
    expect(request).toEqual({
      script,
      resources: '/nodes=1/core=1,walltime=00:02:00',
      name: 'from-form',
      queue: 'default',
      types: ['besteffort'],
      property: "host='node2'",
      project: 'proj',
    });
    expect(oarsub).toBe(
      "oarsub -l /nodes=1/core=1,walltime=00:02:00 -n from-form -q default -p 'host='\\''node2'\\''' -t besteffort --project proj -S ./job.sh",
    );
  });

  it('names the directive when a script directive is invalid', () => {
    expect(() => validateSubmit({ script: '#OAR -l /nodes=many\necho' })).toThrow(
      /^script: #OAR directive for resources: must be an oarsub -l resource request/,
    );
  });

  it('accepts a walltime in seconds, as the browser form does (one shared rule)', () => {
    expect(validateSubmit({ command: 'true', walltime: '90' }).request.resources).toBe('walltime=00:01:30');
  });
});

describe('checkScriptText', () => {
  it('accepts UTF-8 text and refuses binary, bad UTF-8, empty and oversize files naming `script`', () => {
    expect(checkScriptText(Buffer.from('#!/bin/sh\necho héllo\n'))).toBe('#!/bin/sh\necho héllo\n');
    expect(() => checkScriptText(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]))).toThrow(
      /^script: must be a text file \(it contains NUL bytes\)$/,
    );
    expect(() => checkScriptText(Buffer.from([0x65, 0xff, 0xfe]))).toThrow(/^script: must be a text file in UTF-8/);
    expect(() => checkScriptText(Buffer.alloc(0))).toThrow(/^script: is empty$/);
    expect(() => checkScriptText(Buffer.alloc(MAX_SCRIPT_BYTES + 1, 'a'))).toThrow(/^script: larger than/);
  });
});
