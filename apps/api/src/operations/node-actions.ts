import { Injectable } from '@nestjs/common';
import {
  OarBadRequestError,
  OarClient,
  OarForbiddenError,
  OarHttpError,
  OarNotFoundError,
  UNKNOWN_RESOURCE_COLUMN,
  type NewResource,
  type Resource,
  type SettableResourceState,
} from '@oar-live/oar-client';
import { setTimeout as delay } from 'node:timers/promises';
import { ClusterAnnotations } from '../cluster/cluster-annotations';
import { forEachTarget, inTargetOrder, TargetError, type ExecutionContext } from './execution';
import type { Outcome, PayloadOf } from './operation-job';

/** Node operations need OAR's admin login. */
const AS_OAR = { as: 'oar' } as const;
/** How long an attempt waits for OAR to apply a node state (and free a node being retired). */
const APPLIED_TIMEOUT_MS = 60_000;
const APPLIED_POLL_MS = 500;

/** OAR has not applied the state yet: a transient condition, the attempt is retried later. */
class StateNotAppliedError extends OarHttpError {
  constructor(node: string, state: string, pending: number[], jobIds: number[]) {
    const waiting = [
      pending.length > 0 && `resources ${pending.join(', ')} not ${state} yet`,
      jobIds.length > 0 && `jobs ${jobIds.join(', ')} still running`,
    ].filter(Boolean);
    super(503, 'State not applied yet', `${node}: ${waiting.join('; ')}`, `set ${node} ${state}`);
  }
}

/** The resource rows of `count` new nodes (or of `names`), numbered after every existing cpu and core. */
export function planNodeRows(
  existing: readonly Resource[],
  request: Omit<PayloadOf<'node.create'>, 'kind'>,
): NewResource[] {
  const nodeNames = new Set(existing.map((resource) => resource.node));
  let names = request.names;
  if (!names) {
    const pattern = new RegExp(`^${request.prefix.replace(/[.\\-]/g, '\\$&')}(\\d+)$`);
    const used = [...nodeNames].map((name) => pattern.exec(name)?.[1]).filter((n): n is string => n !== undefined);
    const next = Math.max(0, ...used.map(Number)) + 1;
    names = Array.from({ length: request.count }, (_, i) => `${request.prefix}${next + i}`);
  }
  let cpu = Math.max(0, ...existing.map((resource) => resource.cpu ?? 0));
  let core = Math.max(0, ...existing.map((resource) => resource.core ?? 0));
  const rows: NewResource[] = [];
  for (const node of names.filter((name) => !nodeNames.has(name))) {
    for (let c = 0; c < request.cpus; c++) {
      cpu += 1;
      for (let k = 0; k < request.coresPerCpu; k++) {
        core += 1;
        rows.push({ node, cpu, core, cpuset: c * request.coresPerCpu + k, properties: request.properties });
      }
    }
  }
  return rows;
}

/** node.create, node.state, node.delete, as OAR's `oar` login. */
@Injectable()
export class NodeActions {
  constructor(
    private readonly oar: OarClient,
    private readonly annotations: ClusterAnnotations,
  ) {}

  /**
   * Creates every row in one OAR call. Idempotent across attempts: the rows are planned once (kept
   * in the queue job), and a later attempt sends only the rows OAR does not have yet.
   */
  async create(context: ExecutionContext, payload: PayloadOf<'node.create'>): Promise<Outcome> {
    const existing = await this.oar.resources.full(AS_OAR);
    let rows = context.data.plannedRows;
    if (!rows) {
      rows = planNodeRows(existing, payload);
      await context.updateData({ plannedRows: rows });
    }
    const names = payload.names ?? [...new Set(rows.map((row) => row.node))];
    await context.setTargets(names);
    const have = new Set(existing.map((resource) => `${resource.node}/${resource.cpuset}`));
    const missing = rows.filter((row) => !have.has(`${row.node}/${row.cpuset}`));
    if (missing.length > 0) await this.oar.resources.create(missing, AS_OAR).catch(unknownPropertyError);
    const after = await this.oar.resources.full(AS_OAR);
    const planned = new Set(rows.map((row) => row.node));
    const results = await forEachTarget(
      context,
      names,
      (name) => name,
      async (name) => {
        if (!planned.has(name)) throw new TargetError(409, `node ${name} already exists`);
        return { resourceIds: after.filter((resource) => resource.node === name).map((resource) => resource.id) };
      },
    );
    return { results };
  }

  /**
   * OAR 2.5.9's `POST /resources/<id>/state` reads only `state` (oarapi.pl's check_resource_state;
   * it then calls OAR::IO::set_resource_state, which logs the state and nothing else) and oarapi
   * has no other way to attach a comment: the reason is kept by oar-live (ClusterAnnotations) and
   * shown on the node while it stays in that state.
   */
  async setState(context: ExecutionContext, payload: PayloadOf<'node.state'>): Promise<Outcome> {
    const results = await forEachTarget(context, payload.names, String, async (name) => {
      const resources = await this.resourcesOf(name);
      for (const resource of resources) {
        if (resource.state !== payload.state) await this.oar.resources.setState(resource.id, payload.state, AS_OAR);
      }
      await this.annotations.recordStateReason(name, payload.state, payload.reason);
      await this.waitForState(name, payload.state, false);
      return {
        state: payload.state,
        ...(payload.reason && { reason: payload.reason }),
        resourceIds: resources.map((resource) => resource.id),
      };
    });
    return { results: inTargetOrder(context.operation.targets, [...(payload.refused ?? []), ...results]) };
  }

  /** Retire: refuse while jobs run (unless force: cancel them), set every resource Dead, delete them. */
  async delete(context: ExecutionContext, payload: PayloadOf<'node.delete'>): Promise<Outcome> {
    const results = await forEachTarget(context, payload.names, String, async (name) => {
      const resources = await this.resourcesOf(name);
      const jobIds = await this.oar.resources.nodeJobIds(name, AS_OAR);
      if (jobIds.length > 0) {
        if (!payload.force) {
          throw new TargetError(
            409,
            `${name} still runs jobs ${jobIds.join(', ')}; set it Absent and retire it once its jobs end, or retire it and kill them.`,
          );
        }
        for (const id of jobIds) await this.oar.jobs.cancel(id, AS_OAR).catch(ignoreFinishedJob);
      }
      await this.makeDead(name, resources);
      await this.deleteDead(name, resources);
      await this.annotations.forgetStateReason(name);
      return { deletedResourceIds: resources.map((resource) => resource.id), cancelledJobIds: jobIds };
    });
    return { results: inTargetOrder(context.operation.targets, [...(payload.refused ?? []), ...results]) };
  }

  private async makeDead(name: string, resources: Resource[]): Promise<void> {
    for (const resource of resources) {
      if (resource.state !== 'Dead') await this.oar.resources.setState(resource.id, 'Dead', AS_OAR);
    }
    await this.waitForState(name, 'Dead', true);
  }

  /**
   * OAR's own node monitoring may change a node it has just shown Dead (a node checker marking it
   * Suspected), and OAR then refuses the delete (403 "must be in the Dead status"): set it Dead again
   * and retry, within the same bound as waiting for a state.
   */
  private async deleteDead(name: string, resources: Resource[]): Promise<void> {
    const deadline = Date.now() + APPLIED_TIMEOUT_MS;
    for (const resource of resources) {
      for (;;) {
        try {
          await this.oar.resources.delete(resource.id, AS_OAR);
          break;
        } catch (err) {
          if (err instanceof OarNotFoundError) break;
          if (!(err instanceof OarForbiddenError) || Date.now() > deadline) throw err;
          await this.oar.resources.setState(resource.id, 'Dead', AS_OAR);
          await this.waitForState(name, 'Dead', true);
        }
      }
    }
  }

  /** From the list of all resources: OAR answers 500 (not 404) for `resources/nodes/<unknown>`. */
  private async resourcesOf(name: string): Promise<Resource[]> {
    const resources = (await this.oar.resources.list(AS_OAR)).filter((resource) => resource.node === name);
    if (resources.length === 0) throw new TargetError(404, `no node named ${name}`);
    return resources;
  }

  /**
   * OAR applies a state change later (Almighty sets `next_state`, then the state, once the node's
   * jobs are gone for Dead) and refuses to delete a resource that is not Dead yet: an operation
   * succeeds once OAR shows the state (and, to retire, no job), waiting a bounded time for it.
   */
  private async waitForState(name: string, state: SettableResourceState, free: boolean): Promise<void> {
    const deadline = Date.now() + APPLIED_TIMEOUT_MS;
    for (;;) {
      const [resources, jobIds] = await Promise.all([
        this.resourcesOf(name),
        free ? this.oar.resources.nodeJobIds(name, AS_OAR) : [],
      ]);
      const pending = resources.filter((resource) => resource.state !== state).map((resource) => resource.id);
      if (pending.length === 0 && jobIds.length === 0) return;
      if (Date.now() > deadline) throw new StateNotAppliedError(name, state, pending, jobIds);
      await delay(APPLIED_POLL_MS);
    }
  }
}

/** Cancelling a job that ended meanwhile: OAR answers 400 "Oardel error"; the goal is reached. */
function ignoreFinishedJob(err: unknown): void {
  if (!(err instanceof OarBadRequestError)) throw err;
}

/** OAR's SQL failure for a property it has no column for, as a permanent failure naming the property. */
function unknownPropertyError(err: unknown): never {
  const column = err instanceof OarHttpError ? UNKNOWN_RESOURCE_COLUMN.exec(err.message)?.[1] : undefined;
  if (column === undefined) throw err;
  throw new TargetError(
    400,
    `properties: OAR has no resource property "${column}" (an OAR admin adds it with oarproperty -a ${column})`,
  );
}
