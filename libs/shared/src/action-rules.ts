import type { JobAction, NodeAction } from './api-requests';
import { FINAL_JOB_STATES, JOB_STATES } from '@oar-live/oar-client';
import type { Role } from './operations';

/**
 * Which action a signed-in user may take on a job or a node in its current state: one rule for the
 * web app (what it offers on each row) and the API (what it refuses per target, before any OAR call).
 */

/** Who acts: their roles and the OAR login they act as. */
export interface Actor {
  oarLogin: string;
  roles: readonly Role[];
}

/** A refusal: the HTTP status that fits and a sentence about the cluster. */
export interface Refusal {
  status: 403 | 404 | 409;
  reason: string;
}

/**
 * OAR's oardel works until a job is Finishing, oarhold only on a Waiting job, oarresume only on a
 * held or suspended one.
 */
const JOB_ACTION_STATES: Record<JobAction, readonly string[]> = {
  cancel: JOB_STATES.filter((state) => state !== 'Finishing' && !FINAL_JOB_STATES.includes(state)),
  hold: ['Waiting'],
  resume: ['Hold', 'Suspended'],
};
const JOB_ACTION_WORDS: Record<JobAction, { verb: string; states: string }> = {
  cancel: { verb: 'cancelled', states: 'a job that has not ended' },
  hold: { verb: 'held', states: 'a Waiting job' },
  resume: { verb: 'resumed', states: 'a held (Hold) or Suspended job' },
};

const isAdmin = (actor: Actor) => actor.roles.includes('admin');
const isUser = (actor: Actor) => isAdmin(actor) || actor.roles.includes('user');

/** Why `actor` may not take `action` on `job` now, or undefined when they may. */
export function jobActionRefusal(
  action: JobAction,
  job: { id: number; user: string; state: string },
  actor: Actor,
): Refusal | undefined {
  if (!isUser(actor)) return { status: 403, reason: 'Only a signed-in user may act on jobs.' };
  if (!isAdmin(actor) && job.user !== actor.oarLogin)
    return {
      status: 403,
      reason: `Job ${job.id} belongs to ${job.user}; only its owner or an admin may act on it.`,
    };
  if (!JOB_ACTION_STATES[action].includes(job.state)) {
    const { verb, states } = JOB_ACTION_WORDS[action];
    return { status: 409, reason: `Job ${job.id} is ${job.state}; only ${states} can be ${verb}.` };
  }
  return undefined;
}

/**
 * Why `actor` may not take `action` on `node` now, or undefined when they may. Retiring a node that
 * runs jobs needs `killJobs` (the jobs are cancelled first); set it Absent to let them finish instead.
 * Setting a state a node already has is allowed: a no-op that cannot fail (and a snapshot a poll
 * behind must not refuse "Set Alive" on a node OAR has just made Absent).
 */
export function nodeActionRefusal(
  action: NodeAction,
  node: { name: string; state: string; jobIds: readonly number[] },
  actor: Actor,
  options: { killJobs?: boolean } = {},
): Refusal | undefined {
  if (!isAdmin(actor)) return { status: 403, reason: 'Only an admin may change nodes.' };
  if (action !== 'delete' || node.jobIds.length === 0 || options.killJobs) return undefined;
  const jobs =
    node.jobIds.length === 1 ? `job ${node.jobIds[0]}` : `${node.jobIds.length} jobs (${node.jobIds.join(', ')})`;
  return {
    status: 409,
    reason: `${node.name} still runs ${jobs}; set it Absent and retire it once its jobs end, or retire it and kill them.`,
  };
}
