import type { Job } from '@oar-live/oar-client';
import { bareNode } from '../../../../test/support/live-fixtures';
import { jobTimings } from './job-timings';
import {
  groupByProperty,
  matchesProperty,
  parsePropertyFilter,
  propertyNames,
  propertyValues,
} from './node-properties';

const node = (name: string, properties: Record<string, string>) => bareNode(name, 'Alive', properties);
const nodes = [
  node('n1', { cluster: 'c10', switch: 'sw1' }),
  node('n2', { cluster: 'c2' }),
  node('n3', { cluster: 'c2', gpu: 'a100' }),
  node('n4', {}),
];

describe('node properties', () => {
  it('offers every property name and value, in natural order', () => {
    expect(propertyNames(nodes)).toEqual(['cluster', 'gpu', 'switch']);
    expect(propertyValues(nodes, 'cluster')).toEqual(['c2', 'c10']);
  });

  it('groups by a property, nodes without it last', () => {
    expect(groupByProperty(nodes, 'cluster').map((g) => [g.value, g.nodes.map((n) => n.name)])).toEqual([
      ['c2', ['n2', 'n3']],
      ['c10', ['n1']],
      ['(none)', ['n4']],
    ]);
  });

  it('filters with name=value as written in a URL; a malformed filter keeps every node', () => {
    const filter = parsePropertyFilter('cluster=c2');
    expect(nodes.filter((n) => matchesProperty(n, filter)).map((n) => n.name)).toEqual(['n2', 'n3']);
    expect(parsePropertyFilter('=c2')).toBeUndefined();
    expect(parsePropertyFilter(null)).toBeUndefined();
    expect(parsePropertyFilter('a=b=c')).toEqual({ name: 'a', value: 'b=c' });
  });
});

describe('jobTimings', () => {
  const job = (patch: Partial<Job>) => ({ id: 1, walltime: 600, submittedAt: '2026-12-05T10:00:00Z', ...patch }) as Job;
  const now = Date.parse('2026-12-05T10:05:00Z');

  it('counts elapsed and remaining walltime for a running job', () => {
    expect(jobTimings(job({ startedAt: '2026-12-05T10:01:00Z' }), now)).toMatchObject({ elapsed: 240, remaining: 360 });
  });

  it('counts the whole run of an ended job, with nothing remaining; nothing for one that never started', () => {
    const ended = jobTimings(job({ startedAt: '2026-12-05T10:01:00Z', stoppedAt: '2026-12-05T10:02:30Z' }), now);
    expect(ended).toMatchObject({ elapsed: 90, remaining: undefined, ended: '2026-12-05T10:02:30Z' });
    expect(jobTimings(job({}), now)).toMatchObject({ elapsed: undefined, remaining: undefined });
  });
});
