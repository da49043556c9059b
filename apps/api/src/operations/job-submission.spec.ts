import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { submitFields, submitHttpError, submitInput } from './job-submission';
import { MAX_SCRIPT_BYTES, SCRIPT_TOO_LARGE, SubmitValidationError } from './submit-request';

describe('POST /api/jobs steps', () => {
  it('takes the JSON body as the fields, without changing it', () => {
    const body = { command: 'sleep 1', name: 'a' };
    const fields = submitFields(body, undefined);
    expect(fields).toEqual(body);
    fields.name = 'b';
    expect(body.name).toBe('a');
    expect(submitFields(undefined, undefined)).toEqual({});
  });

  it("adds a multipart form's script file to its fields as text", () => {
    const form = {
      fields: { resources: 'nodes=1' },
      script: { fileName: 'run.sh', bytes: Buffer.from('#!/bin/sh\necho hi\n') },
    };
    expect(submitFields(undefined, form)).toEqual({ resources: 'nodes=1', script: '#!/bin/sh\necho hi\n' });
  });

  it('refuses a script sent both as a file and as a field, and a file over the limit', () => {
    const both = { fields: { script: 'echo' }, script: { fileName: 'a.sh', bytes: Buffer.from('echo') } };
    expect(() => submitFields(undefined, both)).toThrow(/script: send it as a file or as a field, not both/);
    const big = { fields: {}, script: { fileName: 'a.sh', bytes: Buffer.alloc(MAX_SCRIPT_BYTES + 1, 'a') } };
    expect(() => submitFields(undefined, big)).toThrow(new SubmitValidationError(SCRIPT_TOO_LARGE));
    expect(submitHttpError(new SubmitValidationError(SCRIPT_TOO_LARGE))).toBeInstanceOf(PayloadTooLargeException);
  });

  it('keeps a script in the operation only as its name, size and digest', () => {
    const script = '#!/bin/sh\nexport TOKEN=secret\n';
    const input = submitInput({ script, resources: 'nodes=1' }, 'oarsub -l nodes=1 ./run.sh', 'run.sh');
    expect(input).toEqual({
      resources: 'nodes=1',
      script: { fileName: 'run.sh', bytes: script.length, sha256: createHash('sha256').update(script).digest('hex') },
      oarsub: 'oarsub -l nodes=1 ./run.sh',
    });
    expect(JSON.stringify(input)).not.toContain('secret');
    expect(submitInput({ command: 'sleep 1' }, 'oarsub "sleep 1"', undefined)).toEqual({
      command: 'sleep 1',
      oarsub: 'oarsub "sleep 1"',
    });
  });

  it('answers a refused submit with 400 naming the field, and leaves other errors alone', () => {
    const refused = submitHttpError(new SubmitValidationError('walltime: must be H:MM:SS'));
    expect(refused).toBeInstanceOf(BadRequestException);
    expect((refused as Error).message).toBe('walltime: must be H:MM:SS');
    const other = new Error('redis is down');
    expect(submitHttpError(other)).toBe(other);
  });
});
