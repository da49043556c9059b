import { Injectable } from '@nestjs/common';
import type { Job, Node } from '@oar-live/oar-client';
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

  /** Adds the reasons to nodes still in the state they were given for, and script names to script jobs. */
  async annotate(nodes: Node[], jobs: Job[]): Promise<void> {
    const scriptJobs = jobs.filter((job) => UPLOADED_SCRIPT_COMMAND.test(job.command));
    const [reasons, names] = await Promise.all([
      this.redis.commands.hgetall(this.reasonsKey),
      scriptJobs.length > 0
        ? this.redis.commands.mget(scriptJobs.map((job) => this.scriptNameKey(job.id)))
        : Promise.resolve([]),
    ]);
    for (const node of nodes) {
      const given = reasons[node.name] && (JSON.parse(reasons[node.name]) as StateReason);
      if (given && given.state === node.state) node.stateReason = given.reason;
    }
    scriptJobs.forEach((job, i) => {
      if (names[i]) job.scriptName = names[i];
    });
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
