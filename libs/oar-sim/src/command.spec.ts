import { interpretCommand } from './command';

describe('interpretCommand', () => {
  it.each([
    ['sleep 5', 5, 0],
    ['echo start; sleep 40; echo end', 40, 0],
    ['sleep 1; exit 3', 1, 3],
    ['true', 0, 0],
    ['false', 0, 1],
    ['false && sleep 9', 0, 1],
    ['false || sleep 2', 2, 0],
    ['#!/bin/bash\n# comment\nuniq $OAR_NODEFILE\nsleep 3\n', 3, 0],
  ])('%j runs %d s and exits %d', (command, seconds, status) => {
    expect(interpretCommand(command, 60)).toEqual({ seconds, status });
  });

  it('gives commands it cannot read the default duration', () => {
    expect(interpretCommand('./my-simulation --steps 100', 42)).toEqual({ seconds: 42, status: 0 });
  });
});
