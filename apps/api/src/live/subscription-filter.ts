import { jobIdOf, nodeNameOf, type Batch, type LiveEvent, type Snapshot } from '@oar-live/shared';
import { z } from 'zod';

export const TOPICS = ['nodes', 'jobs', 'source', 'operations'] as const;
export type Topic = (typeof TOPICS)[number];

/** What a socket client may send with `subscribe`: every field optional, nothing else allowed. */
export const subscriptionSchema = z.strictObject({
  topics: z
    .array(z.enum(TOPICS, { message: `must be one of ${TOPICS.join(', ')}` }))
    .min(1, 'must name at least one topic')
    .optional(),
  user: z.string().regex(/^\w+$/, 'must be an OAR login (letters, digits, _)').optional(),
  nodes: z.array(z.string().min(1, 'must be a node name')).min(1, 'must name at least one node').max(10_000).optional(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

const TOPIC_OF: Record<LiveEvent['type'], Topic> = {
  'node.added': 'nodes',
  'node.changed': 'nodes',
  'node.removed': 'nodes',
  'job.added': 'jobs',
  'job.changed': 'jobs',
  'job.removed': 'jobs',
  'source.status': 'source',
  'operation.updated': 'operations',
};

/** A canonical key for a subscription: equal filters share one room and one serialisation. */
export function subscriptionKey(sub: Subscription): string {
  const sorted = (list?: readonly string[]) => (list ? [...new Set(list)].sort() : undefined);
  return JSON.stringify({ topics: sorted(sub.topics), user: sub.user, nodes: sorted(sub.nodes) });
}

export function isUnfiltered(sub: Subscription): boolean {
  return !sub.topics && !sub.user && !sub.nodes;
}

/** The owner of a job, for events that do not carry it (deltas): the current snapshot knows. */
export type JobOwner = (id: number) => string | undefined;

/**
 * Whether an event passes: its topic is wanted, `nodes` restricts node events to those nodes and
 * `user` restricts job events to that user's jobs.
 */
export function matches(sub: Subscription, event: LiveEvent, ownerOf: JobOwner): boolean {
  if (sub.topics && !sub.topics.includes(TOPIC_OF[event.type])) return false;
  switch (event.type) {
    case 'node.added':
    case 'node.changed':
    case 'node.removed':
      return !sub.nodes || sub.nodes.includes(nodeNameOf(event));
    case 'job.added':
    case 'job.changed':
    case 'job.removed':
      return !sub.user || ('job' in event ? event.job.user : ownerOf(jobIdOf(event))) === sub.user;
    default:
      return true;
  }
}

/** The batch with only the events the subscription wants (same seq: replay positions stay valid). */
export function filterBatch(sub: Subscription, batch: Batch, ownerOf: JobOwner): Batch {
  return isUnfiltered(sub) ? batch : { ...batch, events: batch.events.filter((event) => matches(sub, event, ownerOf)) };
}

export function filterSnapshot(sub: Subscription, snapshot: Snapshot): Snapshot {
  if (isUnfiltered(sub)) return snapshot;
  const wants = (topic: Topic) => !sub.topics || sub.topics.includes(topic);
  return {
    ...snapshot,
    nodes: wants('nodes') ? snapshot.nodes.filter((node) => !sub.nodes || sub.nodes.includes(node.name)) : [],
    jobs: wants('jobs') ? snapshot.jobs.filter((job) => !sub.user || job.user === sub.user) : [],
  };
}
