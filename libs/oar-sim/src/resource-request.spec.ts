import {
  formatWalltime,
  parseResourceRequest,
  RequestError,
  requestedCount,
  wantedResources,
} from './resource-request';

describe('parseResourceRequest', () => {
  it('reads levels, counts and the walltime', () => {
    const request = parseResourceRequest('/nodes=2/core=1,walltime=00:05:00');
    expect(request.groups).toEqual([
      [
        { level: 'network_address', count: 2 },
        { level: 'core', count: 1 },
      ],
    ]);
    expect(request.walltime).toBe(300);
    expect(wantedResources(request)).toBe(`-l "{type = 'default'}/network_address=2/core=1,walltime=0:5:0" `);
    expect(requestedCount(request)).toBe(2);
  });

  it('takes hours for a bare walltime number and h:m for two fields', () => {
    expect(parseResourceRequest('core=1,walltime=2').walltime).toBe(7200);
    expect(parseResourceRequest('core=1,walltime=1:30').walltime).toBe(5400);
  });

  it('defaults to one resource for two hours', () => {
    const request = parseResourceRequest(undefined);
    expect(request.groups).toEqual([[{ level: 'resource_id', count: 1 }]]);
    expect(formatWalltime(request.walltime)).toBe('2:0:0');
  });

  it('adds up +-joined groups and knows host, cpu and ALL', () => {
    const request = parseResourceRequest('/host=1/cpu=ALL+core=3');
    expect(request.groups[0]).toEqual([
      { level: 'host', count: 1 },
      { level: 'cpu', count: 'ALL' },
    ]);
    expect(requestedCount(request)).toBe(4);
  });

  it("answers oarsub's status 255 for a description it cannot read", () => {
    const error = catchError(() => parseResourceRequest('/nodes=abc/core=1,walltime=00:01:00'));
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({
      status: 255,
      message: '/!\\ Cannot recognize the resource description : nodes=abc\n',
    });
  });

  it('answers status 8 (SQL error) for a level that is no resource column', () => {
    expect(catchError(() => parseResourceRequest('/gpu=1'))).toMatchObject({
      status: 8,
      message: expect.stringContaining('column "gpu" does not exist'),
    });
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
