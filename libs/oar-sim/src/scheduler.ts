/**
 * Moves jobs through OAR's states in (simulated) real time, with OAR's cadence: a scheduling pass
 * shortly after any change, then toLaunch → Launching → Running → Finishing → Terminated, or Error
 * when killed (oardel, walltime, a resource going Dead/Suspected, besteffort preemption).
 */
import type { Cluster } from './cluster';
import { ADMINS } from './cluster';
import { GanttPlan, SECURITY_TIME } from './gantt';
import { NodeIndex } from './node-index';
import { jobMessage, oarsub, QUEUES, sqlDate, type SubmitSpec } from './oarsub';
import { place, type PlacementQuery } from './placement';
import type { JobRow, JobState, ResourceRow, ResourceState } from './records';
import { FINISHED, HOLDS_RESOURCES } from './records';
import { formatWalltime, RequestError, requestedCount } from './resource-request';
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
    if (submitted.job.reservation === 'None') return submitted;
    return { job: submitted.job, output: this.decideReservation(submitted.job, submitted.output) };
  }

  /**
   * oarsub -r waits for the scheduler's verdict (oar_meta_sched's check_reservation_jobs): the
   * reservation is accepted on the resources of its request free from its start to its end in the
   * Gantt of running jobs and earlier reservations (Alive, Absent or Suspected ones: they may be
   * back by then), else refused, the job in Error and oarsub exiting 10. Returns oarsub's output.
   */
  private decideReservation(job: JobRow, submitted: string): string {
    const now = this.cluster.clock.epoch();
    const walltime = job.request.walltime;
    job.reservation = 'Scheduled';
    const start = Math.max(job.startTime, now);
    const query = { groups: job.request.groups, resources: this.cluster.resources, matches: job.matches };
    const slot =
      now >= job.startTime + walltime
        ? undefined
        : this.ganttOfHeldAndReserved(now).earliest(query, (r) => r.state !== 'Dead', start, walltime);
    const asked = `${submitted}Reservation mode: waiting validation...\n`;
    if (slot?.start === start) {
      job.planned = slot.ids;
      job.scheduledStart = start;
      job.walltime = walltime;
      job.rev++;
      this.timeline.at(start, () => this.pass());
      return `${asked}Reservation valid --> OK\n`;
    }
    job.message =
      slot === undefined
        ? 'Reservation too old'
        : slot === null
          ? 'This reservation cannot run'
          : `This reservation could run at ${sqlDate(slot.start)}`;
    // As OAR records it: stopped when it would have started, if that is still ahead.
    job.stopTime = Math.max(now, job.startTime);
    this.setState(job, 'Error');
    this.cluster.release(job);
    throw new RequestError(10, `${asked}Reservation not valid --> KO (${job.message})\n`);
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
    const now = cluster.clock.epoch();
    this.startReservations(now);
    const waiting = [...cluster.unfinished.values()]
      .filter((j) => j.state === 'Waiting' && j.reservation === 'None')
      .sort((a, b) => QUEUES[b.queue] - QUEUES[a.queue] || a.id - b.id);
    const layout = this.nodes.layout();
    const freeByNode = this.nodes.count((r) => this.isFree(r));
    const aliveByNode = this.nodes.count((r) => r.state === 'Alive');
    const freeNodes = { members: layout.members, usableCount: (i: number) => freeByNode[i] };
    const aliveNodes = { members: layout.members, usableCount: (i: number) => aliveByNode[i] };
    const besteffortRunning = [...cluster.unfinished.values()].some(
      (j) => j.queue === 'besteffort' && HOLDS_RESOURCES.has(j.state),
    );
    // Conservative backfilling: each job, in queue order, takes the earliest place that delays no
    // job before it (running, reserved or planned); it starts now only if that place is now.
    const gantt = this.ganttOfHeldAndReserved(now);
    let free = freeByNode.reduce((a, b) => a + b, 0);
    let failures = 0;
    let planned = 0;
    for (const job of waiting) {
      if (failures >= FAILED_PLACEMENTS_PER_PASS) break;
      const needed = requestedCount(job.request);
      const query = { groups: job.request.groups, resources: cluster.resources, matches: job.matches };
      const startable = needed <= free && !this.awaitsDependency(job);
      const end = now + job.request.walltime;
      const usable = (r: ResourceRow) => this.isFree(r) && gantt.freeDuring(r.id, now, end + SECURITY_TIME + 1);
      const ids = startable ? place({ ...query, usable, nodes: freeNodes }) : null;
      if (ids) {
        free -= ids.length;
        for (const id of ids) freeByNode[layout.nodeOf.get(id)!]--;
        gantt.occupy(ids, now, end);
        this.launch(job, ids);
        continue;
      }
      if (startable) failures++;
      if (besteffortRunning && job.queue !== 'besteffort' && this.preempt(job, query)) continue;
      if (planned++ < PLANNED_PER_PASS) this.plan(job, gantt, aliveNodes);
    }
  }

  /** Accepted reservations whose start time has come start on their resources once these are free. */
  private startReservations(now: number): void {
    for (const job of this.cluster.unfinished.values()) {
      if (job.state !== 'Waiting' || job.reservation !== 'Scheduled' || job.startTime > now) continue;
      if (now > job.startTime + (job.walltime ?? 0)) {
        job.message = "Reservation expired and couldn't be started.";
        this.end(job, 'Error');
      } else if (job.planned.every((id) => this.cluster.holder.get(id) === undefined)) this.launch(job, job.planned);
    }
  }

  /** What holds resources whatever the queue: running jobs and accepted reservations. */
  private ganttOfHeldAndReserved(now: number): GanttPlan {
    const gantt = new GanttPlan(now);
    for (const job of this.cluster.unfinished.values()) {
      if (HOLDS_RESOURCES.has(job.state)) {
        const held = job.assigned.filter((id) => this.cluster.holder.get(id) === job.id);
        gantt.occupy(held, job.startTime, job.startTime + (job.walltime ?? 0));
      } else if (job.state === 'Waiting' && job.reservation === 'Scheduled')
        gantt.occupy(job.planned, job.startTime, job.startTime + (job.walltime ?? 0));
    }
    return gantt;
  }

  /** A dependency (`--anterior`) not finished yet: the job may not start. */
  private awaitsDependency(job: JobRow): boolean {
    return job.dependencies.some((id) => {
      const dependency = this.cluster.job(id);
      return dependency !== undefined && !FINISHED.has(dependency.state);
    });
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
    const walltime = job.request.walltime;
    const slot = notBefore === null ? null : gantt.earliest(query, (r) => r.state === 'Alive', notBefore, walltime);
    if (slot) gantt.occupy(slot.ids, slot.start, slot.start + walltime);
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
    if (job.reservation === 'None') {
      job.walltime = job.request.walltime;
      job.message = withKarma(job.message);
    } else if (now > job.startTime) this.shortenLateReservation(job, now);
    job.startTime = now;
    job.scheduledStart = now;
    this.setState(job, 'toLaunch');
    this.step(job, this.delays.toLaunch, () => {
      this.setState(job, 'Launching');
      this.step(job, this.delays.launching, () => this.run(job));
    });
  }

  /** A reservation started late still ends when it was booked to (OAR's REDUCE_RESERVATION_WALLTIME). */
  private shortenLateReservation(job: JobRow, now: number): void {
    const booked = job.walltime ?? job.request.walltime;
    const walltime = booked - (now - job.startTime);
    this.cluster.addEvent(job, 'REDUCE_RESERVATION_WALLTIME', `Change walltime from ${booked} to ${walltime}`);
    job.message = job.message.replace(/W=\d+:\d+:\d+/, `W=${formatWalltime(walltime)}`);
    job.walltime = walltime;
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
