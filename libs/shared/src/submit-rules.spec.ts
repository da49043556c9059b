import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import {
  directivesOf,
  effectiveSubmit,
  oarsubLine,
  shellQuote,
  submitProblems,
  walltimeSeconds,
  type SubmitFields,
} from './submit-rules';
import { formatHms } from './duration';

/** The words a POSIX shell makes of `text` (what oarsub's argv would be), NUL-separated by printf. */
function shellWords(text: string): string[] {
  const out = execFileSync('sh', ['-c', `set -- ${text}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const word = fc.stringMatching(/^[\w.-]{1,20}$/);
const anyText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((t) => !t.includes('\0'));

describe('submit rules (shared by the form and the API)', () => {
  it('reads a walltime written as seconds or as HH:MM:SS as the same number of seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9_999_999 }), (seconds) => {
        expect(walltimeSeconds(String(seconds))).toBe(seconds);
        expect(walltimeSeconds(formatHms(seconds))).toBe(seconds);
      }),
    );
    expect(walltimeSeconds('90')).toBe(90);
    expect(walltimeSeconds('1:30')).toBe(5400);
    expect(walltimeSeconds('0')).toBeUndefined();
    expect(walltimeSeconds('10:61:00')).toBeUndefined();
    expect(walltimeSeconds('1h')).toBeUndefined();
  });

  it('quotes any text so that a shell reads it back as one word, unchanged', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(shellWords(shellQuote(text))).toEqual([text]);
      }),
      { numRuns: 60 },
    );
  });

  it('writes an oarsub line whose words are exactly the options given, in oarsub order', () => {
    const fields = fc.record(
      {
        command: anyText,
        resources: fc.constantFrom('/nodes=1/core=2', '{gpu=1}/nodes=ALL', '/core=3+/nodes=1'),
        walltime: fc.integer({ min: 1, max: 99_999 }).map(String),
        name: word,
        queue: fc.stringMatching(/^\w{1,10}$/),
        properties: anyText,
        types: fc.array(word, { maxLength: 3 }),
      },
      { requiredKeys: ['command'] },
    );
    fc.assert(
      fc.property(fields, (given: SubmitFields) => {
        const words = shellWords(oarsubLine(given).replace(/^oarsub /, ''));
        const expected: string[] = [];
        if (given.resources !== undefined || given.walltime !== undefined) {
          const walltime = given.walltime && `walltime=${formatHms(Number(given.walltime))}`;
          expected.push('-l', [given.resources, walltime].filter(Boolean).join(','));
        }
        if (given.name !== undefined) expected.push('-n', given.name);
        if (given.queue !== undefined) expected.push('-q', given.queue);
        if (given.properties !== undefined) expected.push('-p', given.properties);
        for (const type of given.types ?? []) expected.push('-t', type);
        expected.push(given.command!);
        expect(words).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('reads back the #OAR directives written for any fields', () => {
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 3 }), fc.boolean(), (name, types, longForm) => {
        const script = [
          '#!/bin/sh',
          longForm ? `#OAR --name=${name}` : `#OAR -n ${name}`,
          ...types.map((type) => `#OAR -t ${type}`),
          '#OAR -p "host=\'node1\'"',
          'echo done',
        ].join('\n');
        expect(directivesOf(script)).toEqual({
          name,
          properties: "host='node1'",
          ...(types.length > 0 && { types }),
        });
      }),
    );
    expect(directivesOf('# OAR -n no\n#OAR -x whatever\n#OAR -n yes\n')).toEqual({ name: 'yes' });
  });

  it("keeps a script's directives for every field the user did not set, and the user's own for the others", () => {
    const script = '#OAR -l /nodes=1/core=2,walltime=00:05:00\n#OAR -n from-script\nhostname\n';
    expect(effectiveSubmit({}, script)).toEqual({
      fields: { resources: '/nodes=1/core=2,walltime=00:05:00', name: 'from-script' },
      problems: {},
    });
    expect(oarsubLine(effectiveSubmit({}, script).fields, 'run.sh')).toBe(
      'oarsub -l /nodes=1/core=2,walltime=00:05:00 -n from-script -S ./run.sh',
    );
    expect(effectiveSubmit({ walltime: '60' }, script).fields).toEqual({
      resources: '/nodes=1/core=2,walltime=00:05:00',
      walltime: '60',
      name: 'from-script',
    });
    expect(effectiveSubmit({ resources: '/core=1', name: 'mine' }, script).fields).toEqual({
      resources: '/core=1',
      name: 'mine',
    });
    expect(effectiveSubmit({}, '#OAR -l /nodes=NaN\n').problems).toEqual({
      script: expect.stringMatching(/^#OAR directive for resources: must be an oarsub -l resource request/),
    });
  });

  it('names each field at fault, and the command/script choice', () => {
    expect(
      submitProblems({ command: 'a\u0007', walltime: '1h', name: 'a b', queue: 'a-b', types: ['no/way'] }),
    ).toEqual({
      command: 'must not contain control characters (found U+0007)',
      walltime: 'must be HH:MM:SS, HH:MM or a number of seconds (more than 0)',
      name: 'must be 1 to 60 letters, digits, ".", "-" or "_"',
      queue: 'must be a queue name (letters, digits, _)',
      types: 'each type must be 1 to 64 of letters, digits, "=", ":", ".", "-", "_"',
    });
    expect(submitProblems({})).toEqual({ command: 'is required (or upload a script)' });
    expect(submitProblems({ command: 'x' }, 'y')).toEqual({ command: 'give either a command or a script, not both' });
    expect(submitProblems({}, 'x'.repeat(256 * 1024 + 1))).toEqual({ script: 'larger than 262144 bytes' });
  });
});
