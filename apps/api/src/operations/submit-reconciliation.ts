import type { Job, JobSummary, SubmitJobRequest } from '@oar-live/oar-client';
import { UPLOADED_SCRIPT_COMMAND } from '../cluster/cluster-annotations';

/**
 * OAR writes `submission_time` in whole seconds, from its own clock: a job accepted for an intent
 * recorded at `sentAt` may show a submission time up to this much earlier (the truncation, plus
 * what the skew measured against OAR's clock does not catch).
 */
export const SUBMISSION_SLACK_MS = 1500;

/** The walltime in seconds a resource request asks for, when it names one (`…,walltime=1:30:00`). */
export function requestedWalltime(resources: SubmitJobRequest['resources']): number | undefined {
  const text = [resources ?? []].flat().join(' ');
  const match = /walltime=(\d+)(?::(\d+))?(?::(\d+))?/.exec(text);
  if (!match) return undefined;
  const [hours, minutes, seconds] = [match[1], match[2], match[3]].map((part) => Number(part ?? 0));
  return match[2] === undefined ? hours * 3600 : hours * 3600 + minutes * 60 + seconds;
}

/**
 * A first, cheap cut on OAR's job list: the user's jobs submitted since the intent, under the name
 * the user gave (OAR stores none when none was given).
 */
export function mayBeTheSubmit(
  job: JobSummary,
  request: SubmitJobRequest,
  login: string,
  notBeforeMs: number,
): boolean {
  return job.user === login && (request.name ?? null) === job.name && Date.parse(job.submittedAt) >= notBeforeMs;
}

/**
 * Whether OAR's full job is the one this request makes: what it runs (the command itself; for a
 * script, one OAR wrote from an upload, or the given path), and every option the request sets that
 * OAR keeps (queue, walltime, directory, project, types). What OAR changes on its own (admission
 * rules add to properties and resources) is not compared.
 */
export function isTheSubmit(job: Job, request: SubmitJobRequest): boolean {
  const runs =
    request.command !== undefined
      ? job.command === request.command
      : request.script !== undefined
        ? UPLOADED_SCRIPT_COMMAND.test(job.command)
        : job.command === request.scriptPath;
  const walltime = requestedWalltime(request.resources);
  return (
    runs &&
    (request.queue === undefined || job.queue === request.queue) &&
    (walltime === undefined || job.walltime === walltime) &&
    (request.directory === undefined || job.directory === request.directory) &&
    (request.project === undefined || job.project === request.project) &&
    (request.types ?? []).every((type) => job.types?.includes(type))
  );
}
