/**
 * What the Gantt draws, kept apart from drawing: rows (one per resource, grouped by node or by a
 * resource property) and one bar per job (finished, running, planned or reserved) with the runs of
 * consecutive rows it covers. Kept current by the live batches: a job event recomputes that job's bar
 * only, a node event rebuilds the rows (rare), so a 250-change batch costs 250 small updates.
 */
import { FINAL_JOB_STATES, withResourceDefaults, type Job, type Node, type NodeResource } from '@oar-live/oar-client';
import type { Batch, LiveEvent } from '@oar-live/shared';
import { NO_VALUE } from './node-properties';

export type BarKind = 'finished' | 'running' | 'planned' | 'reservation';

export interface GanttBar {
  jobId: number;
  kind: BarKind;
  user: string;
  state: string;
  /** Epoch ms. */
  start: number;
  end: number;
  /** Inclusive [first, last] row ranges, ascending. */
  runs: Array<[number, number]>;
  /** The job's resources (kept so the bar survives a row rebuild). */
  resourceIds: number[];
}

export interface GanttGroup {
  label: string;
  firstRow: number;
  rowCount: number;
}

/** How the rows are grouped: by node, or by the value of a resource property (`cpu`, `type`, …). */
export type GroupBy = 'node' | string;

/** A running job without a walltime is drawn this long after its start (OAR's default walltime). */
const DEFAULT_WALLTIME_S = 7200;
const FINAL: readonly string[] = FINAL_JOB_STATES;

export class GanttModel {
  rows: number[] = [];
  groups: GanttGroup[] = [];
  readonly bars = new Map<number, GanttBar>();
  private rowOf: number[] = [];
  private nodeOfResource: string[] = [];

  constructor(private groupBy: GroupBy = 'node') {}

  setNodes(nodes: readonly Node[], groupBy: GroupBy = this.groupBy): void {
    this.groupBy = groupBy;
    // Resource ids are small dense integers (OAR's serial): arrays indexed by id beat Maps at 25,000 rows.
    this.rowOf = [];
    this.nodeOfResource = [];
    this.rows = [];
    this.groups = [];
    if (groupBy === 'node') {
      for (const node of nodes) {
        const firstRow = this.rows.length;
        for (const resource of node.resources) this.addRow(resource.id, node.name);
        if (this.rows.length > firstRow)
          this.groups.push({ label: node.name, firstRow, rowCount: this.rows.length - firstRow });
      }
    } else {
      // Nodes come in canonical order; each property group keeps that order.
      const byGroup = new Map<string, Array<[number, string]>>();
      for (const node of nodes)
        for (const resource of node.resources) {
          const label = groupLabel(node, resource, groupBy);
          const members = byGroup.get(label) ?? byGroup.set(label, []).get(label)!;
          members.push([resource.id, node.name]);
        }
      const collator = new Intl.Collator('en', { numeric: true });
      const valueless = (label: string) => Number(label.endsWith(`=${NO_VALUE}`));
      const labels = [...byGroup.keys()].sort((a, b) => valueless(a) - valueless(b) || collator.compare(a, b));
      for (const label of labels) {
        const firstRow = this.rows.length;
        for (const [id, node] of byGroup.get(label)!) this.addRow(id, node);
        this.groups.push({ label, firstRow, rowCount: this.rows.length - firstRow });
      }
    }
    for (const bar of this.bars.values()) bar.runs = this.runsOf(bar.resourceIds);
  }

  private addRow(id: number, node: string): void {
    this.rowOf[id] = this.rows.length;
    this.nodeOfResource[id] = node;
    this.rows.push(id);
  }

  /** A job as the snapshot holds it: its bar is computed again (or dropped when it has no place in time). */
  setJob(job: Job): void {
    const bar = this.barOf(job);
    if (bar) this.bars.set(job.id, bar);
    else this.bars.delete(job.id);
  }

  /** A job that left the snapshot: kept as finished when it ran, with what it last held. */
  finishJob(job: Job): void {
    const previous = this.bars.get(job.id);
    const start = job.startedAt ? Date.parse(job.startedAt) : previous?.kind === 'running' ? previous.start : undefined;
    const resourceIds = job.resourceIds.length
      ? job.resourceIds
      : previous?.kind === 'running'
        ? previous.resourceIds
        : [];
    if (start === undefined || resourceIds.length === 0) {
      this.bars.delete(job.id);
      return;
    }
    const end = job.stoppedAt ? Date.parse(job.stoppedAt) : Date.now();
    this.bars.set(job.id, { ...this.base(job, resourceIds), kind: 'finished', start, end: Math.max(end, start) });
  }

  setSnapshot(nodes: readonly Node[], jobs: readonly Job[]): void {
    const finished = [...this.bars.values()].filter((bar) => bar.kind === 'finished');
    this.bars.clear();
    for (const bar of finished) this.bars.set(bar.jobId, bar);
    this.setNodes(nodes);
    for (const job of jobs) this.setJob(job);
  }

  /**
   * Applies one live batch; `after` is the snapshot after it (its nodes read only if a node's
   * resources changed; its jobs for a job event that carries only a delta, event format 2).
   */
  applyBatch(batch: Batch, after: () => { nodes: readonly Node[]; jobs: readonly Job[] }): void {
    let nodesChanged = false;
    let jobsAfter: Map<number, Job> | undefined;
    for (const event of batch.events) {
      if (event.type === 'job.added' || event.type === 'job.changed') {
        if ('job' in event) this.setJob(event.job);
        else {
          jobsAfter ??= new Map(after().jobs.map((job) => [job.id, job]));
          const job = jobsAfter.get(event.id);
          if (job) this.setJob(job);
        }
      } else if (event.type === 'job.removed') this.finishJob(event.job);
      else if (event.type === 'node.added' || event.type === 'node.removed') nodesChanged = true;
      else if (event.type === 'node.changed' && this.changesRows(event)) nodesChanged = true;
    }
    if (nodesChanged) this.setNodes(after().nodes);
  }

  /** Whether a node change adds, removes or renames rows (a resource state change does not). */
  private changesRows(event: Extract<LiveEvent, { type: 'node.added' | 'node.changed' }>): boolean {
    if ('node' in event) return event.changed?.some((f) => f === 'resources' || f === 'name') ?? true;
    if (event.removedResources?.length) return true;
    return (event.resources ?? []).some((resource) => this.nodeOfResource[resource.id] === undefined);
  }

  /** Drops finished bars that ended before `before` (epoch ms): the window keeps its memory bounded. */
  forgetBefore(before: number): void {
    for (const [id, bar] of this.bars) if (bar.kind === 'finished' && bar.end < before) this.bars.delete(id);
  }

  /** The nodes a bar's resources are on, in row order. */
  nodesOf(bar: GanttBar): string[] {
    return [...new Set(bar.resourceIds.map((id) => this.nodeOfResource[id]).filter((n): n is string => !!n))];
  }

  /** The bar drawn at `row` and time `t` (planned ones under running ones), if any. */
  barAt(row: number, t: number): GanttBar | undefined {
    let found: GanttBar | undefined;
    for (const bar of this.bars.values()) {
      if (t < bar.start || t > bar.end || !bar.runs.some(([a, b]) => row >= a && row <= b)) continue;
      if (!found || KIND_RANK[bar.kind] < KIND_RANK[found.kind]) found = bar;
    }
    return found;
  }

  private barOf(job: Job): GanttBar | undefined {
    if (FINAL.includes(job.state)) return undefined;
    const walltimeMs = (job.walltime ?? DEFAULT_WALLTIME_S) * 1000;
    if (job.startedAt && job.resourceIds.length > 0) {
      const start = Date.parse(job.startedAt);
      return { ...this.base(job, job.resourceIds), kind: 'running', start, end: start + walltimeMs };
    }
    if (job.scheduledStart && job.plannedResourceIds?.length) {
      const start = Date.parse(job.scheduledStart);
      const kind = job.reservation ? 'reservation' : 'planned';
      return { ...this.base(job, job.plannedResourceIds), kind, start, end: start + walltimeMs };
    }
    return undefined;
  }

  private base(job: Job, resourceIds: number[]) {
    return { jobId: job.id, user: job.user, state: job.state, resourceIds, runs: this.runsOf(resourceIds) };
  }

  private runsOf(resourceIds: readonly number[]): Array<[number, number]> {
    const rows = resourceIds
      .map((id) => this.rowOf[id])
      .filter((row): row is number => row !== undefined)
      .sort((a, b) => a - b);
    const runs: Array<[number, number]> = [];
    for (const row of rows) {
      const last = runs[runs.length - 1];
      if (last && row <= last[1] + 1) last[1] = Math.max(last[1], row);
      else runs.push([row, row]);
    }
    return runs;
  }
}

/** Which bar a pointer names where bars overlap: what is in use first. */
const KIND_RANK: Record<BarKind, number> = { running: 0, finished: 1, reservation: 2, planned: 3 };

/** The row's group: its node, or `property=value` from the resource's own site properties or OAR columns. */
function groupLabel(node: Node, resource: NodeResource, groupBy: GroupBy): string {
  if (groupBy === 'node') return node.name;
  const columns = withResourceDefaults(resource, node.name) as unknown as Record<string, unknown>;
  const value = resource.properties?.[groupBy] ?? columns[groupBy];
  return `${groupBy}=${value ?? NO_VALUE}`;
}
