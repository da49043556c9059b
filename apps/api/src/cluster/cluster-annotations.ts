import { Injectable } from '@nestjs/common';
import type { Job } from '@oar-live/oar-client';
import type { ClusterState } from './differ';
import type { Reading } from './oar-reader';
import { LiveRedis } from './redis.provider';

/** Uploaded scripts (text and name) are kept this long after their submit, then forgotten. */
export const SCRIPT_RETENTION_SECONDS = 7 * 24 * 3600;
/** OAR runs an uploaded script as a copy it writes: `./oarapi.subscript.<random>`. */
export const UPLOADED_SCRIPT_COMMAND = /(^|\/)oarapi\.subscript\.\w+$/;

export interface StoredScript {
  fileName: string;
  /** The OAR login that submitted it: only that user (and admins) may read it. */
  owner: string;
  text: string;
}

interface StateReason {
  state: string;
  reason: string;
}

/**
 * What oar-live knows about nodes and jobs that OAR does not keep: the reason an admin gave for a
 * node's state, and the name and text of an uploaded script. Written by the operations worker, read
 * by the poller, which adds `stateReason` and `scriptName` to what it read from OAR.
 */
@Injectable()
export class ClusterAnnotations {
  constructor(private readonly redis: LiveRedis) {}

  /** The reason goes with the state it was given for; a change without one clears it. */
  async recordStateReason(node: string, state: string, reason: string | undefined): Promise<void> {
    if (reason) await this.redis.commands.hset(this.reasonsKey, node, JSON.stringify({ state, reason }));
    else await this.redis.commands.hdel(this.reasonsKey, node);
  }

  async forgetStateReason(node: string): Promise<void> {
    await this.redis.commands.hdel(this.reasonsKey, node);
  }

  async recordScript(jobId: number, script: StoredScript): Promise<void> {
    await this.redis.commands
      .multi()
      .set(this.scriptNameKey(jobId), script.fileName, 'EX', SCRIPT_RETENTION_SECONDS)
      .set(this.scriptKey(jobId), JSON.stringify(script), 'EX', SCRIPT_RETENTION_SECONDS)
      .exec();
  }

  async script(jobId: number): Promise<StoredScript | null> {
    const json = await this.redis.commands.get(this.scriptKey(jobId));
    return json ? (JSON.parse(json) as StoredScript) : null;
  }

  /**
   * The reasons on nodes still in the state they were given for, and script names on script jobs.
   * Copies what it changes: the incremental reader keeps its nodes and jobs from poll to poll, and the
   * snapshot they were diffed against may hold the same objects.
   */
  async annotate(state: ClusterState, finals: Map<number, Job>): Promise<Pick<Reading, 'state' | 'finals'>> {
    const jobs = [...state.jobs, ...finals.values()];
    const scriptJobs = jobs.filter((job) => UPLOADED_SCRIPT_COMMAND.test(job.command));
    const [reasons, names] = await Promise.all([
      this.redis.commands.hgetall(this.reasonsKey),
      scriptJobs.length > 0
        ? this.redis.commands.mget(scriptJobs.map((job) => this.scriptNameKey(job.id)))
        : Promise.resolve([]),
    ]);
    const scriptNames = new Map(scriptJobs.flatMap((job, i) => (names[i] ? [[job.id, names[i]] as const] : [])));
    const named = (job: Job): Job => {
      const scriptName = scriptNames.get(job.id);
      return scriptName === undefined || job.scriptName === scriptName ? job : { ...job, scriptName };
    };
    const nodes = state.nodes.map((node) => {
      const given = reasons[node.name] && (JSON.parse(reasons[node.name]) as StateReason);
      const stateReason = given && given.state === node.state ? given.reason : undefined;
      if (node.stateReason === stateReason) return node;
      const { stateReason: _old, ...rest } = node;
      return stateReason === undefined ? rest : { ...rest, stateReason };
    });
    return {
      state: { nodes, jobs: state.jobs.map(named) },
      finals: new Map([...finals].map(([id, job]) => [id, named(job)])),
    };
  }

  private get reasonsKey(): string {
    return this.redis.key('node-state-reasons');
  }

  private scriptNameKey(jobId: number): string {
    return this.redis.key(`script-name:${jobId}`);
  }

  private scriptKey(jobId: number): string {
    return this.redis.key(`script:${jobId}`);
  }
}
