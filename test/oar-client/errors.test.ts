import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { isTransient, OarHttpError, type OarClient } from '@oar-live/oar-client';
import { FIXTURE_DIR } from '../support/oar-fixtures';
import { resetOarSandbox } from '../support/oar-sandbox';
import { basicClient, identClient, sandboxUrl, WALLTIME } from './sandbox-clients';

/** The recorded answer for this case: its status and title must come back as they are, and its message (ids adjusted). */
function recorded(file: string): { code: number; title: string; message: string } {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8'));
}

async function expectOarError(call: Promise<unknown>, file: string, message?: string | RegExp): Promise<OarHttpError> {
  const sample = recorded(file);
  const error = await call.then(
    (value) => {
      throw new Error(`expected OAR to refuse, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(OarHttpError);
  const { status, title } = error as OarHttpError;
  expect({ status, title }).toEqual({ status: sample.code, title: sample.title });
  if (message instanceof RegExp) expect((error as Error).message).toMatch(message);
  else expect((error as Error).message).toBe(message ?? sample.message);
  expect(isTransient(error)).toBe(false);
  return error as OarHttpError;
}

// A DELETE that accepts anything, as curl (which recorded the sample) does; the client itself always asks for JSON.
function deleteAcceptingAnything(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'DELETE', headers: { 'X-Remote-Ident': 'oar', Accept: '*/*' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const raw = (oar: OarClient, req: Parameters<OarClient['request']>[0], as?: string) =>
  oar.request(req, (body) => body, { as });

describe("every error of OAR's error table comes back typed, with OAR's own words", () => {
  const oar = identClient();
  let alicesJob: number;

  beforeAll(async () => {
    resetOarSandbox();
    ({ id: alicesJob } = await oar.jobs.submit(
      { command: 'true', hold: true, resources: `/core=1,${WALLTIME}` },
      { as: 'alice' },
    ));
  });
  afterAll(() => resetOarSandbox());

  it('unknown URI → 404 Not found', () => expectOarError(raw(oar, { path: 'index' }), 'error-unknown-uri-404.json'));

  it('POST /jobs without ident → 401', () =>
    expectOarError(oar.jobs.submit({ command: 'true' }), 'error-submit-unauthenticated-401.json'));

  it('GET /jobs/<id> without ident → 401', () => expectOarError(oar.jobs.get(alicesJob), 'job-running-anonymous.json'));

  it('DELETE /jobs/<id> without ident → 401', () =>
    expectOarError(oar.jobs.cancel(alicesJob), 'error-delete-unauthenticated-401.json'));

  it('ident that is no unix user → 401 Oardodo error 52', () =>
    expectOarError(oar.jobs.submit({ command: 'true' }, { as: 'mallory' }), 'error-submit-unknown-user.json'));

  it('more resources than exist → 400 Bad query', () =>
    expectOarError(
      oar.jobs.submit({ command: 'true', resources: '/nodes=99/core=1,walltime=00:01:00' }, { as: 'alice' }),
      'error-submit-too-many-resources.json',
      /^Oarsub command exited with status 8: [\s\S]*There are not enough resources for your request/,
    ));

  it('unknown property → 400 Bad query (SQL error)', () =>
    expectOarError(
      oar.jobs.submit(
        { command: 'true', property: "gpu_model='A100'", resources: '/nodes=1,walltime=00:01:00' },
        { as: 'alice' },
      ),
      'error-submit-unknown-property.json',
      /column "gpu_model" does not exist/,
    ));

  it('bad resource syntax → 500 Oar server error, yet not transient', () =>
    expectOarError(
      oar.jobs.submit({ command: 'true', resources: '/nodes=abc/core=1,walltime=00:01:00' }, { as: 'alice' }),
      'error-submit-bad-resource-syntax.json',
    ));

  it('no command or script → 400 Missing Required Field', () =>
    expectOarError(oar.jobs.submit({ resources: '/core=1' }, { as: 'alice' }), 'error-submit-missing-command.json'));

  it('malformed JSON → 400 JSON data not understood', () =>
    expectOarError(
      raw(oar, { method: 'POST', path: 'jobs', body: '{"resource":' }, 'alice'),
      'error-submit-invalid-json.json',
    ));

  it('unknown job id → 404 Job not found (job and its details)', async () => {
    await expectOarError(oar.jobs.get(9999, { as: 'alice' }), 'error-job-unknown-id.json');
    await expectOarError(oar.jobs.getDetails(9999, { as: 'alice' }), 'error-job-unknown-id-details.json');
  });

  it("DELETE another user's job → 400 Oardel error", () =>
    expectOarError(
      oar.jobs.cancel(alicesJob, { as: 'bob' }),
      'error-delete-other-users-job.json',
      recorded('error-delete-other-users-job.json').message.replaceAll(' 3', ` ${alicesJob}`),
    ));

  it('DELETE unknown job id → 400 Oardel error', () =>
    expectOarError(oar.jobs.cancel(9999, { as: 'alice' }), 'error-delete-unknown-job.json'));

  it('unknown resource id → 404 Resource not found', () =>
    expectOarError(oar.resources.get(9999), 'error-resource-unknown-id.json'));

  it('bad ?structure= → 406', () =>
    expectOarError(raw(oar, { path: 'resources', query: { structure: 'foo' } }), 'error-bad-structure-406.json'));

  it('POST /resources as non-oar or anonymous → 401', async () => {
    await expectOarError(
      oar.resources.create({ node: 'node9' }, { as: 'alice' }),
      'error-resource-create-non-admin-401.json',
    );
    await expectOarError(oar.resources.create({ node: 'node9' }), 'error-resource-create-unauthenticated-401.json');
  });

  it('POST /resources with a system property → 403 Forbidden', () =>
    expectOarError(
      oar.resources.create({ node: 'node9', properties: { state: 'Alive' } }, { as: 'oar' }),
      'error-resource-create-system-property-403.json',
    ));

  it('POST /resources without hostname → 400 Missing Required Field', () =>
    expectOarError(
      raw(oar, { method: 'POST', path: 'resources', body: { cpu: 9 } }, 'oar'),
      'error-resource-create-missing-hostname-400.json',
    ));

  it('state not Alive/Absent/Dead → 400 Bad state', () =>
    expectOarError(
      oar.resources.setState(1, 'Suspected' as 'Dead', { as: 'oar' }),
      'error-resource-state-bad-value-400.json',
    ));

  it('state change as non-oar → 401', () =>
    expectOarError(oar.resources.setState(1, 'Absent', { as: 'alice' }), 'error-resource-state-non-admin-401.json'));

  it('DELETE resource without Accept: application/json → 406; the client always sends it, so OAR judges the request itself', async () => {
    const response = await deleteAcceptingAnything(`${sandboxUrl()}/resources/1.json`);
    const sample = recorded('error-resource-delete-406-no-accept-header.json');
    expect([response.status, (JSON.parse(response.body) as { title: string }).title]).toEqual([
      sample.code,
      sample.title,
    ]);
    await expectOarError(
      oar.resources.delete(1, { as: 'oar' }),
      'error-resource-delete-not-dead.json',
      'The resource 1 must be in the Dead status',
    );
  });

  it('DELETE resource as non-oar → 401', () =>
    expectOarError(oar.resources.delete(1, { as: 'alice' }), 'error-resource-delete-non-admin-401.json'));

  it('DELETE unknown resource → 404 Not found', () =>
    expectOarError(oar.resources.delete(9999, { as: 'oar' }), 'error-resource-delete-unknown.json'));

  it("/oarapi-priv without or with wrong credentials → Apache's HTML 401, read into title and message", async () => {
    const wrong = basicClient({ credentials: () => 'not-the-password' });
    for (const call of [() => wrong.whoami({ as: 'alice' }), () => basicClient().whoami()]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OarHttpError);
      expect(error).toMatchObject({ status: 401, title: '401 Unauthorized' });
      expect((error as Error).message).toMatch(/^This server could not verify that you are authorized/);
      expect(isTransient(error)).toBe(false);
    }
  });
});
