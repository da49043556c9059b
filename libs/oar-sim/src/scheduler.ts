/**
 * Moves jobs through OAR's states in (simulated) real time, with OAR's cadence: a scheduling pass
 * shortly after any change, then toLaunch → Launching → Running → Finishing → Terminated, or Error
 * when killed (oardel, walltime, a resource going Dead/Suspected, besteffort preemption).
 */
import type { Cluster } from './cluster';
import { ADMINS } from './cluster';
import { GanttPlan } from './gantt';
import { NodeIndex } from './node-index';
import { jobMessage, oarsub, QUEUES, type SubmitSpec } from './oarsub';
import { place, type PlacementQuery } from './placement';
import type { JobRow, JobState, ResourceRow, ResourceState } from './records';
import { FINISHED, HOLDS_RESOURCES } from './records';
import { requestedCount } from './resource-request';
import type { Timeline } from './timeline';

/** Simulated seconds per step, as measured on the real sandbox (recipe: ~1 s per state step). */
export interface StepDelays {
  schedule: number;
  toLaunch: number;
  launching: number;
  finishing: number;
  killWaiting: number;
  kill: number;
  /** oarhold/oarresume: the request is an event Almighty acts on a moment later. */
  holdResume: number;
  /** A finished job keeps its Gantt entry (scheduled_start, a waiting job's walltime) this long. */
  ganttCleanup: number;
}
export const OAR_CADENCE: StepDelays = {
  schedule: 0.4,
  toLaunch: 0.4,
  launching: 1.1,
  finishing: 2,
  killWaiting: 1,
  kill: 2,
  holdResume: 1,
  ganttCleanup: 3,
};

const KARMA = ' (Karma=0.000,quota_ok)';
/** Placement attempts that fail before a pass gives up on the rest of the queue. */
const FAILED_PLACEMENTS_PER_PASS = 500;
/** Waiting jobs whose Gantt place a pass computes again (the first ones in queue order); the rest keep theirs. */
const PLANNED_PER_PASS = 200;

/** A refused oardel/oarhold/oarresume: `status` is the raw wait status the API prints (256 = exit 1). */
export class CommandError extends Error {
  constructor(
    readonly status: number,
    readonly output: string,
  ) {
    super(output);
  }
}

export class Scheduler {
  private passPending = false;
  private readonly nodes: NodeIndex;

  constructor(
    private readonly cluster: Cluster,
    private readonly timeline: Timeline,
    private readonly delays: StepDelays = OAR_CADENCE,
    private readonly defaultRunSeconds = 60,
  ) {
    this.nodes = new NodeIndex(cluster);
  }

  submit(spec: SubmitSpec): { job: JobRow; output: string } {
    const submitted = oarsub(this.cluster, this.nodes, spec, this.defaultRunSeconds);
    this.requestPass();
    return submitted;
  }

  /** oardel. Returns oardel's output. */
  frag(user: string, id: number): string {
    const job = this.cluster.job(id);
    if (!job || (job.owner !== user && !ADMINS.has(user)))
      throw new CommandError(
        256,
        `Deleting the job = ${id} ...ERROR.\nCannot frag ${id} ; You are not the right user.\n`,
      );
    if (job.fragged)
      throw new CommandError(
        1536,
        `Deleting the job = ${id} ...ERROR.\nCannot frag ${id} ; This job was already killed.\n`,
      );
    job.fragged = true;
    this.cluster.addEvent(job, 'FRAG_JOB_REQUEST', `User ${user} requested to frag the job ${id}`);
    if (job.state === 'Waiting' || job.state === 'Hold') {
      const course = ++job.course;
      this.timeline.after(this.delays.killWaiting, () => {
        if (job.course !== course) return;
        job.message = 'Job killed by Leon directly';
        this.end(job, 'Error');
      });
    } else if (job.state !== 'Finishing' && !FINISHED.has(job.state)) {
      this.kill(job, `[Leon] Send the kill signal to oarexec on ${this.firstNode(job)} for job ${id}`);
    }
    return `Deleting the job = ${id} ...REGISTERED.\nThe job(s) [ ${id} ] will be deleted in the near future.\n`;
  }

  /** oarhold: a Waiting job goes Hold a moment later, unless the scheduler launched it first (as in OAR). */
  hold(user: string, id: number): string {
    const job = this.owned(user, id, 'hold');
    if (job.state !== 'Waiting')
      throw new CommandError(256, `/!\\ Cannot hold job ${id}: it is in the ${job.state} state.\n`);
    this.cluster.addEvent(job, 'HOLD_WAITING_JOB', `User ${user} launched oarhold on the job ${id}`);
    this.timeline.after(this.delays.holdResume, () => {
      if (job.state !== 'Waiting') return;
      // A held job leaves the Gantt: its planned cores are free for the others.
      job.planned = [];
      job.scheduledStart = null;
      this.setState(job, 'Hold');
      this.requestPass();
    });
    return `[${id}] Hold request was sent to the OAR server.\n`;
  }

  /** oarresume (Hold → Waiting). */
  resume(user: string, id: number): string {
    const job = this.owned(user, id, 'resume');
    if (job.state !== 'Hold')
      throw new CommandError(256, `/!\\ Cannot resume ${id} : the job is not in the Hold or Suspended state.\n`);
    this.cluster.addEvent(job, 'RESUME_JOB', `User ${user} launched oarresume on the job ${id}`);
    this.timeline.after(this.delays.holdResume, () => {
      if (job.state !== 'Hold') return;
      this.setState(job, 'Waiting');
      this.requestPass();
    });
    return `[${id}] Resume request was sent to the OAR server.\n`;
  }

  /**
   * Like oarapi.pl's POST /resources/<id>/state, which writes the state column directly: placement
   * changes at the next pass (only Alive resources take jobs); jobs already running keep running.
   */
  setResourceState(row: ResourceRow, state: ResourceState): void {
    this.cluster.setResourceState(row, state);
    this.requestPass();
  }

  requestPass(): void {
    if (this.passPending) return;
    this.passPending = true;
    this.timeline.after(this.delays.schedule, () => {
      this.passPending = false;
      this.pass();
    });
  }

  private pass(): void {
    const cluster = this.cluster;
    const waiting = [...cluster.unfinished.values()]
      .filter((j) => j.state === 'Waiting')
      .sort((a, b) => QUEUES[b.queue] - QUEUES[a.queue] || a.id - b.id);
    const layout = this.nodes.layout();
    const freeByNode = this.nodes.count((r) => this.isFree(r));
    const aliveByNode = this.nodes.count((r) => r.state === 'Alive');
    const freeNodes = { members: layout.members, usableCount: (i: number) => freeByNode[i] };
    const aliveNodes = { members: layout.members, usableCount: (i: number) => aliveByNode[i] };
    const besteffortRunning = [...cluster.unfinished.values()].some(
      (j) => j.queue === 'besteffort' && HOLDS_RESOURCES.has(j.state),
    );
    let free = freeByNode.reduce((a, b) => a + b, 0);
    let failures = 0;
    const later: JobRow[] = [];
    for (const job of waiting) {
      if (failures >= FAILED_PLACEMENTS_PER_PASS) break;
      const needed = requestedCount(job.request);
      const query = { groups: job.request.groups, resources: cluster.resources, matches: job.matches };
      const startable = needed <= free && !this.awaitsDependency(job);
      const ids = startable ? place({ ...query, usable: (r) => this.isFree(r), nodes: freeNodes }) : null;
      if (ids) {
        free -= ids.length;
        for (const id of ids) freeByNode[layout.nodeOf.get(id)!]--;
        this.launch(job, ids);
        continue;
      }
      if (startable) failures++;
      if (besteffortRunning && job.queue !== 'besteffort' && this.preempt(job, query)) continue;
      later.push(job);
    }
    this.planAll(later.slice(0, PLANNED_PER_PASS), aliveNodes);
  }

  /** A dependency (`--anterior`) not finished yet: the job may not start. */
  private awaitsDependency(job: JobRow): boolean {
    return job.dependencies.some((id) => {
      const dependency = this.cluster.job(id);
      return dependency !== undefined && !FINISHED.has(dependency.state);
    });
  }

  /** The Gantt of the jobs that cannot start now, computed again each pass as OAR does: a prediction moves. */
  private planAll(jobs: JobRow[], nodes: PlacementQuery['nodes']): void {
    const cluster = this.cluster;
    const gantt = new GanttPlan();
    for (const [resource, holder] of cluster.holder) {
      const running = cluster.job(holder)!;
      gantt.occupy([resource], running.startTime + (running.walltime ?? 0));
    }
    for (const job of jobs) this.plan(job, gantt, nodes);
  }

  private isFree(r: ResourceRow): boolean {
    return r.state === 'Alive' && !this.cluster.holder.has(r.id);
  }

  /** Kills besteffort jobs standing in the way of `job`; it starts at a later pass. */
  private preempt(job: JobRow, query: Omit<PlacementQuery, 'usable'>): boolean {
    const cluster = this.cluster;
    const heldByBesteffort = (r: ResourceRow) => {
      const holder = cluster.holder.get(r.id);
      return holder !== undefined && cluster.job(holder)?.queue === 'besteffort';
    };
    const ids = place({
      ...query,
      usable: (r) => r.state === 'Alive' && (!cluster.holder.has(r.id) || heldByBesteffort(r)),
    });
    if (!ids || !ids.some((id) => cluster.holder.has(id))) return false;
    const victims = new Set(ids.map((id) => cluster.holder.get(id)).filter((id) => id !== undefined));
    for (const victimId of victims) {
      const victim = cluster.job(victimId)!;
      if (victim.fragged) continue;
      victim.fragged = true;
      this.kill(victim, `[Leon] Besteffort job ${victimId} killed to let job ${job.id} run`, 'BESTEFFORT_KILL');
    }
    return true;
  }

  /** A job that cannot start yet gets OAR's planned resources and start date (none while a dependency has none). */
  private plan(job: JobRow, gantt: GanttPlan, nodes: PlacementQuery['nodes']): void {
    const cluster = this.cluster;
    let notBefore: number | null = cluster.clock.epoch();
    // OAR's scheduler writes why it could not place a job into its message (oar_sched_gantt_with_timesharing_and_fairsharing).
    let message = withKarma(jobMessage(job.request, job.name, job.types));
    for (const id of job.dependencies) {
      const dependency = cluster.job(id);
      if (!dependency || FINISHED.has(dependency.state) || notBefore === null) continue;
      const after = GanttPlan.afterDependency(dependency);
      notBefore = after === null ? null : Math.max(notBefore, after);
      if (after === null) message = `Cannot determine scheduling time due to dependency with the job ${id}`;
    }
    const query = { groups: job.request.groups, resources: cluster.resources, matches: job.matches, nodes };
    const slot = notBefore === null ? null : gantt.earliest(query, (r) => r.state === 'Alive', notBefore);
    if (slot) gantt.occupy(slot.ids, slot.start + job.request.walltime);
    else if (notBefore !== null) message = `Cannot find enough resources for job ${job.id}`;
    const [planned, scheduledStart] = slot ? [slot.ids, slot.start] : [[], null];
    if (
      job.walltime !== null &&
      job.message === message &&
      job.scheduledStart === scheduledStart &&
      planned.length === job.planned.length &&
      planned.every((id, i) => job.planned[i] === id)
    )
      return;
    job.walltime = job.request.walltime;
    job.message = message;
    job.planned = planned;
    job.scheduledStart = scheduledStart;
    job.rev++;
  }

  private launch(job: JobRow, ids: number[]): void {
    const now = this.cluster.clock.epoch();
    for (const id of ids) this.cluster.holder.set(id, job.id);
    job.assigned = ids;
    job.planned = [];
    job.walltime = job.request.walltime;
    job.startTime = now;
    job.scheduledStart = now;
    job.message = withKarma(job.message);
    this.setState(job, 'toLaunch');
    this.step(job, this.delays.toLaunch, () => {
      this.setState(job, 'Launching');
      this.step(job, this.delays.launching, () => this.run(job));
    });
  }

  private run(job: JobRow): void {
    this.setState(job, 'Running');
    const walltime = job.walltime ?? job.request.walltime;
    if (job.runSeconds < walltime) {
      this.step(job, job.runSeconds, () => this.finish(job));
      return;
    }
    this.step(job, walltime, () => {
      const now = this.cluster.clock.epoch();
      this.cluster.addEvent(
        job,
        'WALLTIME',
        `[sarko] Job [${job.id}] from ${job.startTime} with ${walltime}; current time=${now} (Elapsed)`,
      );
      this.kill(job, `[Leon] Send the kill signal to oarexec on ${this.firstNode(job)} for job ${job.id}`);
    });
  }

  private finish(job: JobRow): void {
    job.stopTime = this.cluster.clock.epoch();
    this.setState(job, 'Finishing');
    this.step(job, this.delays.finishing, () => {
      job.exitCode = job.exitStatus * 256;
      this.cluster.addEvent(job, 'SWITCH_INTO_TERMINATE_STATE', `[bipbip ${job.id}] Ask to change the job state`);
      this.end(job, 'Terminated');
    });
  }

  private kill(job: JobRow, description: string, type = 'SEND_KILL_JOB'): void {
    const course = ++job.course;
    this.cluster.addEvent(job, type, description);
    this.timeline.after(this.delays.kill, () => {
      if (job.course !== course || FINISHED.has(job.state)) return;
      job.stopTime = this.cluster.clock.epoch();
      this.cluster.addEvent(job, 'SWITCH_INTO_ERROR_STATE', `[bipbip ${job.id}] Ask to change the job state`);
      this.end(job, 'Error');
    });
  }

  private end(job: JobRow, state: 'Terminated' | 'Error'): void {
    job.planned = [];
    this.setState(job, state);
    this.cluster.release(job);
    this.requestPass();
    // OAR drops the Gantt entry of a Terminated or never-started job later; a killed running job keeps it.
    this.timeline.after(this.delays.ganttCleanup, () => {
      if (job.state !== 'Terminated' && job.startTime !== 0) return;
      job.scheduledStart = null;
      if (job.startTime === 0) job.walltime = null;
      job.rev++;
    });
  }

  /** Runs `next` after `seconds` unless the job's course changed meanwhile. */
  private step(job: JobRow, seconds: number, next: () => void): void {
    const course = job.course;
    this.timeline.after(seconds, () => {
      if (job.course === course && this.cluster.jobs.has(job.id)) next();
    });
  }

  private setState(job: JobRow, state: JobState): void {
    job.state = state;
    job.rev++;
  }

  private owned(user: string, id: number, verb: string): JobRow {
    const job = this.cluster.job(id);
    if (!job || (job.owner !== user && !ADMINS.has(user)))
      throw new CommandError(
        256,
        `/!\\ Cannot ${verb} job ${id}: you are not the right user or the job does not exist.\n`,
      );
    return job;
  }

  private firstNode(job: JobRow): string {
    const first = job.assigned[0];
    return (first === undefined ? undefined : this.cluster.resource(first)?.network_address) ?? '';
  }
}

function withKarma(message: string): string {
  return message.endsWith(KARMA) ? message : message + KARMA;
}
