import type { Job } from '@oar-live/oar-client';

/**
 * What a job runs, as its user knows it: for a script uploaded through oar-live, the file's name
 * (OAR itself only knows the copy it runs, `./oarapi.subscript.<random>`).
 */
export function commandOf(job: Pick<Job, 'command' | 'scriptName'>): string {
  return job.scriptName ? `${job.scriptName} (uploaded script)` : job.command;
}
