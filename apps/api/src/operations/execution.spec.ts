import { OarHttpError, OarUnreachableError } from '@oar-live/oar-client';
import type { Operation, TargetResult } from '@oar-live/shared';
import { forEachTarget, TargetError, type ExecutionContext } from './execution';

function context(results: TargetResult[] = []): ExecutionContext & { saved: TargetResult[] } {
  const saved: TargetResult[] = [];
  return {
    saved,
    data: { payload: { kind: 'job.cancel', jobs: [] } } as unknown as ExecutionContext['data'],
    operation: { results } as Operation,
    updateData: async () => undefined,
    saveResult: async (result) => void saved.push(result),
    setTargets: async () => undefined,
  };
}

describe('forEachTarget', () => {
  it('records a permanent failure for its target and goes on with the others', async () => {
    const ctx = context();
    const results = await forEachTarget(ctx, [1, 2, 3], String, async (id) => {
      if (id === 2) throw new OarHttpError(400, 'Oardel error', 'You are not the right user', 'DELETE /jobs/2');
      if (id === 3) throw new TargetError(409, 'busy');
      return { id };
    });
    expect(results).toEqual([
      { target: '1', ok: true, result: { id: 1 } },
      {
        target: '2',
        ok: false,
        error: {
          status: 400,
          message: 'Job 2 could not be cancelled: OAR has no such job of this user.',
          detail: '400 Oardel error: You are not the right user (DELETE /jobs/2)',
        },
      },
      { target: '3', ok: false, error: { status: 409, message: 'busy' } },
    ]);
    expect(ctx.saved).toEqual(results);
  });

  it('stops at a transient fault (thrown, to be retried) after saving what was done, and a retry resumes after it', async () => {
    const first = context();
    const calls: number[] = [];
    await expect(
      forEachTarget(first, [1, 2, 3], String, async (id) => {
        calls.push(id);
        if (id === 2) throw new OarUnreachableError('ECONNREFUSED', 'DELETE /jobs/2');
        return {};
      }),
    ).rejects.toBeInstanceOf(OarUnreachableError);
    expect(first.saved.map((result) => result.target)).toEqual(['1']);

    const retry = context(first.saved);
    const results = await forEachTarget(retry, [1, 2, 3], String, async (id) => {
      calls.push(id);
      return {};
    });
    expect(calls).toEqual([1, 2, 2, 3]);
    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
  });
});
