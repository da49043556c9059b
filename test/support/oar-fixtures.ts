/** The recorded OAR responses of test/fixtures/oar, sorted by what they are (for specs only). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_DIR = join(__dirname, '..', 'fixtures', 'oar');

export type FixtureKind =
  | 'error'
  | 'list'
  | 'job'
  | 'resource'
  | 'submitted'
  | 'acknowledgement'
  | 'deletion'
  | 'version'
  | 'timezone'
  | 'whoami';

export interface Fixture {
  file: string;
  /** Raw bytes as OAR sent them. */
  bytes: Buffer;
  body: Record<string, unknown>;
  kind: FixtureKind;
}

/** Decided from the body's keys, not the file name, so a new sample is sorted without editing this file. */
function kindOf(body: Record<string, unknown>): FixtureKind {
  const has = (key: string) => key in body;
  if (has('code') && has('title') && has('message')) return 'error';
  if (has('items')) return 'list';
  if (has('owner') || has('job_user')) return 'job';
  if (has('network_address')) return 'resource';
  if (has('cmd_output') && !has('status')) return 'submitted';
  if (has('id') && has('status')) return 'acknowledgement';
  if (has('status')) return 'deletion';
  if (has('oar_version')) return 'version';
  if (has('timezone')) return 'timezone';
  if (has('authenticated_user')) return 'whoami';
  throw new Error(`unrecognised OAR sample: ${Object.keys(body).join(', ')}`);
}

export function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const bytes = readFileSync(join(FIXTURE_DIR, file));
      const body = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
      return { file, bytes, body, kind: kindOf(body) };
    });
}
