import { OarHttpError, OarProtocolError, OarTimeoutError, OarUnreachableError } from '@oar-live/oar-client';
import { loadFixtures } from '../../../../test/support/oar-fixtures';
import { explainFailure, explainSourceTrouble } from './oar-messages';

/** OAR's recorded error answer, as the client throws it. */
function recorded(file: string, status: number, request: string): OarHttpError {
  const body = loadFixtures().find((f) => f.file === file)!.body as { title: string; message: string };
  return new OarHttpError(status, body.title, body.message, request);
}

describe('messages a person reads about OAR failures', () => {
  it.each([
    [
      'Job 9999 could not be cancelled',
      recorded('error-delete-unknown-job.json', 400, 'DELETE /jobs/9999'),
      'Job 9999 could not be cancelled: OAR has no such job of this user.',
    ],
    [
      'The job could not be submitted',
      recorded('error-submit-too-many-resources.json', 400, 'POST /jobs'),
      'The job could not be submitted: the cluster does not have the resources it asks for.',
    ],
    [
      'The job could not be submitted',
      recorded('error-submit-unknown-property.json', 400, 'POST /jobs'),
      'The job could not be submitted: the cluster has no property “gpu_model”.',
    ],
    [
      'The job could not be submitted',
      recorded('error-submit-bad-resource-syntax.json', 500, 'POST /jobs'),
      'The job could not be submitted: OAR cannot read the resource request “nodes=abc”.',
    ],
    [
      'The job could not be submitted',
      recorded('error-submit-unknown-user.json', 401, 'POST /jobs'),
      'The job could not be submitted: OAR has no unix account for this user.',
    ],
    [
      'Node node3 could not be retired',
      recorded('error-resource-delete-not-dead.json', 403, 'DELETE /resources/10'),
      'Node node3 could not be retired: OAR has not made it Dead yet.',
    ],
  ])('%s + OAR’s recorded answer → a sentence; OAR’s text kept as detail', (failed, err, message) => {
    const explained = explainFailure(failed, err);
    expect(explained.message).toBe(message);
    expect(explained.message).not.toMatch(/oardodo|oarsub|oardel|\/oarapi|exited with status/);
    expect(explained.detail).toContain(err.message);
  });

  it('says what the words of oarhold and oarresume mean', () => {
    const hold = new OarHttpError(
      400,
      'Hold error',
      "/!\\ Cannot hold 108 : the job is not in the right state (try '-r' option).\n (Command was: /usr/lib/oar/oardodo/oardodo oarhold 108)",
      'POST /jobs/108/holds/new',
    );
    expect(explainFailure('Job 108 could not be held', hold).message).toBe(
      'Job 108 could not be held: only a waiting job can be held.',
    );
    const resume = new OarHttpError(
      400,
      'Resume error',
      '/!\\ Cannot resume 7 : the job is not in the Hold or Suspended state.',
      'POST /jobs/7/resumptions/new',
    );
    expect(explainFailure('Job 7 could not be resumed', resume).message).toBe(
      'Job 7 could not be resumed: only a held or suspended job can be resumed.',
    );
  });

  it('never puts network errors or URLs in the sentence', () => {
    const refused = new OarUnreachableError('ECONNREFUSED', 'GET /oarapi/jobs/details.json?limit=500&offset=0');
    expect(explainSourceTrouble(refused)).toEqual({
      message: 'OAR cannot be reached: the cluster shown is as last read.',
      detail: 'OAR is unreachable (ECONNREFUSED) for GET /oarapi/jobs/details.json?limit=500&offset=0',
    });
    expect(explainSourceTrouble(new OarTimeoutError(15000, 'GET /oarapi/resources/full.json')).message).toBe(
      'OAR did not answer in time: the cluster shown is as last read.',
    );
    expect(explainSourceTrouble(new OarProtocolError('unexpected answer', 'GET /x')).message).toBe(
      'OAR sent an answer oar-live cannot read: the cluster shown is as last read.',
    );
    expect(explainFailure('Job 40 could not be cancelled', refused)).toEqual({
      message: 'Job 40 could not be cancelled: OAR cannot be reached.',
      detail: refused.message,
    });
  });
});
