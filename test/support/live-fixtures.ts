import type { Job, Node, Resource } from '@oar-live/oar-client';
import type { Batch, LiveEvent, Snapshot } from '@oar-live/shared';

// Pure builders of the live contract's data (nodes, jobs, snapshots, batches) for specs, browser tests and benches.

/** A node as the API would send it: `cores` resources, the first `busy` of them running `jobId`. */
export function makeNode(
  name: string,
  opts: {
    state?: string;
    cores?: number;
    busy?: number;
    jobId?: number;
    firstId?: number;
    properties?: Record<string, string>;
  } = {},
): Node {
  const cores = opts.cores ?? 2;
  const state = opts.state ?? 'Alive';
  const resources: Resource[] = Array.from({ length: cores }, (_, i) => ({
    id: (opts.firstId ?? 1) + i,
    node: name,
    state,
    core: i,
    cpuset: i,
    jobIds: i < (opts.busy ?? 0) && opts.jobId !== undefined ? [opts.jobId] : [],
  }));
  const busyCores = resources.filter((r) => r.jobIds.length > 0).length;
  return {
    name,
    state,
    resources,
    jobIds: busyCores && opts.jobId !== undefined ? [opts.jobId] : [],
    busyCores,
    totalCores: cores,
    properties: opts.properties ?? {},
  };
}

/** A node with no resources, for tests that need only its name, state and properties. */
export function bareNode(name: string, state = 'Alive', properties: Record<string, string> = {}): Node {
  return { name, state, resources: [], jobIds: [], busyCores: 0, totalCores: 0, properties };
}

export function makeJob(id: number, patch: Partial<Job> = {}): Job {
  return {
    id,
    name: `job${id}`,
    user: 'alice',
    queue: 'default',
    state: 'Waiting',
    command: `sleep ${id}`,
    submittedAt: new Date(Date.UTC(2026, 10, 25, 12, 0, id)).toISOString(),
    walltime: 600,
    nodes: [],
    resourceIds: [],
    ...patch,
  };
}

/** A cluster of `count` nodes node1..nodeN with `cores` cores each, a job on every third node. */
export function makeSnapshot(count: number, cores = 4, seq = 1): Snapshot {
  const nodes: Node[] = [];
  const jobs: Job[] = [];
  for (let i = 1; i <= count; i++) {
    const running = i % 3 === 0;
    const state = i % 97 === 0 ? 'Dead' : i % 53 === 0 ? 'Absent' : i % 71 === 0 ? 'Suspected' : 'Alive';
    nodes.push(
      makeNode(`node${i}`, {
        state,
        cores,
        busy: running ? cores : 0,
        jobId: running ? i : undefined,
        firstId: (i - 1) * cores + 1,
      }),
    );
    if (running) jobs.push(makeJob(i, { state: 'Running', nodes: [`node${i}`] }));
  }
  return {
    epoch: FIXTURE_EPOCH,
    seq,
    at: new Date(Date.UTC(2026, 10, 25, 12)).toISOString(),
    source: { status: 'up' },
    nodes,
    jobs,
  };
}

/** The history every fixture snapshot and batch belongs to. */
export const FIXTURE_EPOCH = 'f1x7e0';

export function batch(seq: number, events: LiveEvent[]): Batch {
  return { epoch: FIXTURE_EPOCH, seq, at: new Date(Date.UTC(2026, 10, 25, 12, 0, seq % 60)).toISOString(), events };
}
