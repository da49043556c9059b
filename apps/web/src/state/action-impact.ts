import type { Job, Node } from '@oar-live/oar-client';
import type { JobAction, NodeAction } from '@oar-live/shared';

/** What a confirmation says: the question, and one line per thing affected (or left alone). */
export interface Impact {
  question: string;
  items: string[];
  confirmLabel: string;
}

const JOB_VERBS: Record<JobAction, string> = { cancel: 'Cancel', hold: 'Hold', resume: 'Resume' };
const NODE_VERBS: Record<NodeAction, string> = {
  alive: 'Set Alive',
  absent: 'Set Absent',
  dead: 'Set Dead',
  delete: 'Retire (set Dead, then delete)',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "2 of alice, 1 of bob" */
function byUser(jobs: readonly Job[]): string {
  const counts = new Map<string, number>();
  for (const job of jobs) counts.set(job.user, (counts.get(job.user) ?? 0) + 1);
  return [...counts].map(([user, n]) => `${n} of ${user}`).join(', ');
}

const jobLine = (job: Job) => `Job ${job.id} of ${job.user} (${job.state}): ${job.command}`;

/** A bulk job action: how many jobs of which users, and the selected ones it leaves alone. */
export function jobActionImpact(
  action: JobAction,
  ids: readonly number[],
  skipped: ReadonlyArray<{ id: number; reason: string }>,
  jobs: readonly Job[],
): Impact {
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const acted = ids.flatMap((id) => byId.get(id) ?? []);
  return {
    question: `${JOB_VERBS[action]} ${plural(acted.length, 'job')} (${byUser(acted)})?`,
    items: [...acted.map(jobLine), ...skipped.map((s) => `Left alone: ${s.reason}`)],
    confirmLabel: `${JOB_VERBS[action]} jobs`,
  };
}

/**
 * A bulk node action: the nodes, which of them still run jobs and how many; for "retire and kill"
 * every job that will be killed.
 */
export function nodeActionImpact(
  action: NodeAction,
  killJobs: boolean,
  names: readonly string[],
  skipped: ReadonlyArray<{ name: string; reason: string }>,
  nodes: readonly Node[],
  jobs: readonly Job[],
): Impact {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const busy = names.flatMap((name) => byName.get(name) ?? []).filter((node) => node.jobIds.length > 0);
  const left = skipped.map((s) => `Left alone: ${s.reason}`);
  if (killJobs) {
    const killed = [...new Set(busy.flatMap((node) => node.jobIds))];
    return {
      question: `Retire ${names.join(', ')} and kill the ${plural(killed.length, 'job')} running there?`,
      items: [
        ...killed.map((id) =>
          byId.has(id) ? `${jobLine(byId.get(id)!)} — will be killed` : `Job ${id} — will be killed`,
        ),
        ...left,
      ],
      confirmLabel: `Retire and kill ${plural(killed.length, 'job')}`,
    };
  }
  return {
    question: `${NODE_VERBS[action]}: ${names.join(', ')}?`,
    items: [
      ...busy.map((node) => `${node.name} still runs ${plural(node.jobIds.length, 'job')} (${node.jobIds.join(', ')})`),
      ...left,
    ],
    confirmLabel: NODE_VERBS[action],
  };
}
