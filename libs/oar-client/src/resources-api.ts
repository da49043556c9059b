import type { CallOptions, ListOptions, NewResource, OarAcknowledgement } from './api-types';
import { checkId, type OarClient } from './client';
import { OarRequestError } from './errors';
import {
  mapAcknowledgement,
  mapDeletionStatus,
  mapId,
  mapResource,
  parsePage,
  toOarResourceRow,
  toOarState,
} from './mapping';
import type { Resource, SettableResourceState } from './model';

/** oarapi.pl routes node names with `[\w.-]+`. */
const NODE_NAME = /^[\w.-]+$/;

function checkNodeName(name: string): string {
  if (!NODE_NAME.test(name))
    throw new OarRequestError(`invalid node name ${JSON.stringify(name)}: must match [\\w.-]+`);
  return name;
}

/** `oar.resources`: OAR's resource rows (one per core). Mutations need the `oar` login. */
export class OarResources {
  constructor(private readonly oar: OarClient) {}

  /** `GET /resources` (all pages): id, node, state, availableUpto only. */
  async list(call?: ListOptions): Promise<Resource[]> {
    return this.oar.all('resources', mapResource, call);
  }

  /** `GET /resources` row by row as its pages arrive, for a caller that keeps only some of them. */
  rows(call?: ListOptions): AsyncGenerator<Resource> {
    return this.oar.each('resources', mapResource, call);
  }

  /** `GET /resources/full` (all pages): every column. */
  async full(call?: ListOptions): Promise<Resource[]> {
    return this.oar.all('resources/full', mapResource, call);
  }

  /** `GET /resources/full` row by row as its pages arrive. */
  fullRows(call?: ListOptions): AsyncGenerator<Resource> {
    return this.oar.each('resources/full', mapResource, call);
  }

  async get(id: number, call?: CallOptions): Promise<Resource> {
    return this.oar.request({ path: `resources/${checkId(id, 'resource id')}` }, mapResource, call);
  }

  /** `GET /resources/nodes/<name>`: the node's resources (short form). */
  async ofNode(name: string, call?: ListOptions): Promise<Resource[]> {
    return this.oar.all(`resources/nodes/${checkNodeName(name)}`, mapResource, call);
  }

  /** `GET /resources/<id>/jobs`: ids of the jobs running on the resource. */
  async jobIds(id: number, call?: ListOptions): Promise<number[]> {
    return this.oar.all(`resources/${checkId(id, 'resource id')}/jobs`, mapId, call);
  }

  /** `GET /resources/nodes/<name>/jobs`: ids of the jobs running on the node (OAR lists a job once per core). */
  async nodeJobIds(name: string, call?: ListOptions): Promise<number[]> {
    const ids = await this.oar.all(`resources/nodes/${checkNodeName(name)}/jobs`, mapId, call);
    return [...new Set(ids)];
  }

  /** `POST /resources`: creates one row or many; returns the new ids in order. */
  async create(rows: NewResource | readonly NewResource[], call?: CallOptions): Promise<number[]> {
    const list = Array.isArray(rows) ? rows : [rows as NewResource];
    list.forEach((row) => checkNodeName(row.node));
    const body = Array.isArray(rows) ? list.map(toOarResourceRow) : toOarResourceRow(list[0]);
    const createdIds = (answer: unknown) => parsePage(answer).items.map(mapId);
    return this.oar.request({ method: 'POST', path: 'resources', body }, createdIds, call);
  }

  /** `POST /resources/<id>/state`. */
  async setState(id: number, state: SettableResourceState, call?: CallOptions): Promise<OarAcknowledgement> {
    const path = `resources/${checkId(id, 'resource id')}/state`;
    return this.oar.request({ method: 'POST', path, body: toOarState(state) }, mapAcknowledgement, call);
  }

  /** `DELETE /resources/<id>`: OAR only deletes a resource in state Dead. */
  async delete(id: number, call?: CallOptions): Promise<void> {
    const path = `resources/${checkId(id, 'resource id')}`;
    await this.oar.request({ method: 'DELETE', path }, mapDeletionStatus, call);
  }
}
