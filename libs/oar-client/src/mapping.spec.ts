import { loadFixtures } from '../../../test/support/oar-fixtures';
import {
  JOB_FIELDS,
  RESOURCE_FIELDS,
  mapAcknowledgement,
  mapDeletionStatus,
  mapId,
  mapJob,
  mapJobSummary,
  mapNodeName,
  mapResource,
  mapSubmitted,
  mapTimezone,
  mapVersion,
  mapWhoami,
  parsePage,
  toOarResourceRow,
  toOarSubmitBody,
  type OarRecord,
} from './mapping';
import { withResourceDefaults } from './model';

const fixtures = loadFixtures();
const ofKind = (kind: string) => fixtures.filter((f) => f.kind === kind);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

function oarValue(raw: OarRecord, names: readonly string[]): unknown {
  return names.map((name) => raw[name]).find((value) => value !== undefined);
}

/**
 * The value a model field must hold for an OAR value, by the value's kind (never by file):
 * absent/null → absent, epoch seconds → ISO (0 → absent), YES/NO → boolean, "1" → 1, else equal.
 */
function expectSame(field: string, actual: unknown, raw: unknown): void {
  const context = `${field} ← ${JSON.stringify(raw)}`;
  if (raw === undefined || raw === null) {
    expect({ context, actual: [undefined, null, ''].includes(actual as never) }).toEqual({ context, actual: true });
  } else if (field.endsWith('At')) {
    expect({ context, actual }).toEqual({ context, actual: raw === 0 ? undefined : iso(raw as number) });
  } else if (raw === 'YES' || raw === 'NO') {
    expect({ context, actual }).toEqual({ context, actual: raw === 'YES' });
  } else if (typeof raw === 'string' && typeof actual === 'number') {
    expect({ context, actual }).toEqual({ context, actual: Number(raw) });
  } else {
    expect({ context, actual }).toEqual({ context, actual: raw });
  }
}

/** OAR's `status` of a job's node or resource item: bare names and ids are assigned ones. */
const planned = (item: unknown) => ['scheduled', 'reserved'].includes((item as OarRecord).status as string);
const ofStatus = (list: unknown, wantPlanned: boolean) =>
  ((list as unknown[]) ?? []).filter((item) => planned(item) === wantPlanned);
const names = (list: unknown, wantPlanned = false) => [
  ...new Set(ofStatus(list, wantPlanned).map((n) => (typeof n === 'string' ? n : (n as OarRecord).network_address))),
];
const ids = (list: unknown, wantPlanned = false) =>
  ofStatus(list, wantPlanned).map((r) => (typeof r === 'number' ? r : (r as OarRecord).id));
const orAbsent = (list: unknown[]) => (list.length > 0 ? list : undefined);

/** Fields whose OAR value is a structure: what each must become. */
const JOB_STRUCTURED: Partial<Record<keyof typeof JOB_FIELDS, (raw: OarRecord) => unknown>> = {
  nodes: (raw) => names(raw.nodes ?? raw.assigned_network_address),
  resourceIds: (raw) => ids(raw.resources ?? raw.assigned_resources),
  plannedNodes: (raw) => orAbsent(names(raw.nodes, true)),
  plannedResourceIds: (raw) => orAbsent(ids(raw.resources, true)),
  scheduledStart: (raw) => (raw.scheduled_start ? iso(raw.scheduled_start as number) : undefined),
  reservation: (raw) => (raw.reservation === 'None' ? undefined : raw.reservation),
  dependencies: (raw) => orAbsent(((raw.dependencies as unknown[]) ?? []).map(Number)),
  events: (raw) =>
    ((raw.events as OarRecord[]) ?? []).map((e) => ({
      type: e.type,
      description: e.description,
      date: iso(e.date as number),
    })),
  exitCode: (raw) => (raw.exit_code === null || raw.exit_code === undefined ? null : (raw.exit_code as number) >> 8),
  exitSignal: (raw) => (raw.exit_code as number) & 0x7f || undefined,
  resubmittedAs: (raw) => {
    const text = ((raw.events as OarRecord[]) ?? []).map((e) => e.description).join('\n');
    const match = /job \d+ => (\d+)/.exec(text);
    return match ? Number(match[1]) : undefined;
  },
  resubmittedFrom: (raw) => (raw.resubmit_job_id as number) || undefined,
  types: (raw) => raw.types ?? [],
};

function expectLosslessJob(raw: OarRecord, summaryOnly: boolean): void {
  const job = summaryOnly ? mapJobSummary(raw) : mapJob(raw);
  for (const [field, oarNames] of Object.entries(JOB_FIELDS)) {
    if (!(field in job) && summaryOnly) continue;
    const actual = job[field as keyof typeof job];
    const structured = JOB_STRUCTURED[field as keyof typeof JOB_FIELDS];
    if (structured) expect({ field, actual }).toEqual({ field, actual: structured(raw) });
    else expectSame(field, actual, oarValue(raw, oarNames));
  }
}

/** The site's columns of a recorded row (the fixtures' sandbox added cluster, switch, gpu), non-null, as text. */
function sitePropertiesOf(raw: OarRecord): Record<string, string> | undefined {
  const site = Object.entries(raw).filter(([k, v]) => ['cluster', 'switch', 'gpu'].includes(k) && v !== null);
  return site.length ? Object.fromEntries(site.map(([k, v]) => [k, String(v)])) : undefined;
}

/** Lossless once the left-out fields are filled in again (the model leaves defaults out). */
function expectLosslessResource(raw: OarRecord): void {
  const resource = mapResource(raw);
  const filled = withResourceDefaults(resource, resource.node);
  for (const [field, oarNames] of Object.entries(RESOURCE_FIELDS)) {
    const sent = oarValue(raw, oarNames) !== undefined;
    const actual = (sent ? filled : resource)[field as keyof typeof resource];
    if (field === 'jobIds') expect(actual).toEqual([]);
    else if (field === 'plannedJobIds') expect(actual).toBeUndefined();
    else if (field === 'properties') expect({ properties: actual }).toEqual({ properties: sitePropertiesOf(raw) });
    else expectSame(field, actual, oarValue(raw, oarNames));
  }
}

/** Lists hold jobs (three shapes), resources, node names or bare `{id}` items: told apart by their keys. */
function expectLosslessItem(item: OarRecord): void {
  if ('owner' in item || 'job_user' in item) expectLosslessJob(item, !('command' in item));
  else if ('state' in item && 'network_address' in item) expectLosslessResource(item);
  else if ('network_address' in item) expect(mapNodeName(item)).toBe(item.network_address);
  else expect(mapId(item)).toBe(item.id);
}

describe('resources', () => {
  const row = {
    id: 7,
    network_address: 'node2',
    host: 'node2',
    state: 'Alive',
    next_state: 'UnChanged',
    cpu: 2,
    core: 7,
    cpuset: 1,
    available_upto: 2147483647,
    drain: 'NO',
    besteffort: 'YES',
    type: 'default',
  };

  it('leave out what holds OAR defaults, and a host that is the node itself', () => {
    expect(JSON.stringify(mapResource(row))).toBe(
      '{"id":7,"node":"node2","state":"Alive","jobIds":[],"cpu":2,"core":7,"cpuset":1}',
    );
  });

  it('fill the left-out fields back in with withResourceDefaults', () => {
    expect(withResourceDefaults(mapResource(row), 'node2')).toEqual({
      id: 7,
      node: 'node2',
      state: 'Alive',
      nextState: 'UnChanged',
      host: 'node2',
      cpu: 2,
      core: 7,
      cpuset: 1,
      availableUpto: 2147483647,
      drain: false,
      besteffort: true,
      type: 'default',
      jobIds: [],
    });
  });

  it('keep every value that differs from the default', () => {
    const odd = {
      ...row,
      host: 'front',
      next_state: 'Absent',
      available_upto: 0,
      drain: 'YES',
      besteffort: 'NO',
      type: 'gpu',
    };
    expect(mapResource(odd)).toEqual({
      id: 7,
      node: 'node2',
      state: 'Alive',
      nextState: 'Absent',
      host: 'front',
      cpu: 2,
      core: 7,
      cpuset: 1,
      availableUpto: 0,
      drain: true,
      besteffort: false,
      type: 'gpu',
      jobIds: [],
    });
  });
});

describe('every recorded OAR response maps into the domain model without loss', () => {
  it('knows every sample', () => {
    expect(fixtures.length).toBe(87);
    const kinds = new Set(fixtures.map((f) => f.kind));
    expect([...kinds].sort()).toEqual(
      [
        'acknowledgement',
        'deletion',
        'error',
        'job',
        'list',
        'resource',
        'submitted',
        'timezone',
        'version',
        'whoami',
      ].sort(),
    );
  });

  it.each(ofKind('list').map((f) => [f.file, f.body]))('list %s: pages and items', (_file, body) => {
    const page = parsePage(body);
    expect(page.items).toEqual(body.items);
    expect(page.total).toBe(body.total);
    expect(page.offset).toBe(body.offset);
    expect(page.nextHref).toBeUndefined();
    page.items.forEach(expectLosslessItem);
  });

  it.each(ofKind('job').map((f) => [f.file, f.body]))('job %s', (_file, body) => expectLosslessJob(body, false));

  it.each(ofKind('resource').map((f) => [f.file, f.body]))('resource %s', (_file, body) =>
    expectLosslessResource(body),
  );

  it.each(ofKind('submitted').map((f) => [f.file, f.body]))('submit answer %s', (_file, body) => {
    expect(mapSubmitted(body)).toEqual({ id: body.id, cmdOutput: body.cmd_output });
    expect(body.cmd_output).toContain(`OAR_JOB_ID=${body.id}`);
  });

  it.each(ofKind('acknowledgement').map((f) => [f.file, f.body]))('acknowledgement %s', (_file, body) => {
    expect(mapAcknowledgement(body)).toEqual({
      id: Number(body.id),
      status: body.status,
      output: body.cmd_output ?? body.oardel_output,
    });
  });

  it.each(ofKind('deletion').map((f) => [f.file, f.body]))('deletion %s', (_file, body) => {
    expect(mapDeletionStatus(body)).toBe(body.status);
  });

  it.each(ofKind('version').map((f) => [f.file, f.body]))('version %s', (_file, body) => {
    expect(mapVersion(body)).toEqual({
      oarVersion: body.oar_version,
      apiVersion: body.api_version,
      apilibVersion: body.apilib_version,
      timezone: body.api_timezone,
      serverTime: iso(body.api_timestamp as number),
    });
  });

  it.each(ofKind('timezone').map((f) => [f.file, f.body]))('timezone %s', (_file, body) => {
    expect(mapTimezone(body)).toEqual({ timezone: body.timezone, serverTime: iso(body.api_timestamp as number) });
  });

  it.each(ofKind('whoami').map((f) => [f.file, f.body]))('whoami %s', (_file, body) => {
    expect(mapWhoami(body)).toBe(body.authenticated_user || null);
  });

  it('fills every job and resource field from some sample', () => {
    const jobs = fixtures.flatMap((f) =>
      f.kind === 'job'
        ? [f.body]
        : f.kind === 'list'
          ? (f.body.items as OarRecord[]).filter((i) => 'command' in i)
          : [],
    );
    const mapped = jobs.map(mapJob);
    // Not in the recorded samples: resubmittedFrom is read live (test/oar-client/jobs.test.ts), exitSignal below;
    // scriptName is oar-live's own (never OAR's).
    const liveOnly = ['exitSignal', 'resubmittedFrom', 'scriptName'];
    for (const field of Object.keys(JOB_FIELDS).filter((f) => !liveOnly.includes(f))) {
      expect({ field, filled: mapped.some((j) => ![undefined, null, ''].includes(j[field as never])) }).toEqual({
        field,
        filled: true,
      });
    }
    const resources = fixtures.flatMap((f) =>
      f.kind === 'resource'
        ? [f.body]
        : f.kind === 'list'
          ? (f.body.items as OarRecord[]).filter((i) => 'cpuset' in i)
          : [],
    );
    const joinedFromJobs = ['jobIds', 'plannedJobIds'];
    for (const field of Object.keys(RESOURCE_FIELDS).filter((f) => !joinedFromJobs.includes(f))) {
      const filled = resources
        .map((raw) => withResourceDefaults(mapResource(raw), String(raw.network_address)))
        .some((r) => r[field as keyof typeof r] !== undefined);
      expect({ field, filled }).toEqual({ field, filled: true });
    }
  });
});

describe('odd values OAR sends', () => {
  const running = fixtures.find((f) => f.file === 'job-running.json')!.body;

  it('reads cpuset as a number whether OAR sends 1 or "1"', () => {
    const row = (fixtures.find((f) => f.file === 'resource-1.json')!.body as OarRecord) ?? {};
    expect(mapResource({ ...row, cpuset: '1' }).cpuset).toBe(1);
    expect(mapResource({ ...row, cpuset: 1 }).cpuset).toBe(1);
    expect(mapResource({ ...row, cpuset: null }).cpuset).toBeUndefined();
  });

  it('decodes the wait status in exit_code: exit 3 is 768, SIGKILL is 9', () => {
    expect(mapJob({ ...running, exit_code: 768 })).toMatchObject({ exitCode: 3 });
    expect(mapJob({ ...running, exit_code: 9 })).toMatchObject({ exitCode: null, exitSignal: 9 });
    expect(mapJob({ ...running, exit_code: 0 })).toMatchObject({ exitCode: 0 });
  });

  it('takes nodes and resources from assigned_* when a row has no nodes/resources lists', () => {
    const job = mapJob({
      ...running,
      assigned_network_address: ['node2', 'node1', 'node2'],
      assigned_resources: [3, 1],
    });
    expect(job.nodes).toEqual(['node2', 'node1']);
    expect(job.resourceIds).toEqual([3, 1]);
  });

  it('keeps the cores OAR only planned for a Waiting job apart from the assigned ones', () => {
    const body = fixtures.find((f) => f.file === 'jobs-details-running-and-waiting-as-alice.json')!.body;
    const [running, waiting] = parsePage(body).items.map(mapJob);
    expect(running).toMatchObject({ state: 'Running', nodes: ['node1'], resourceIds: [1] });
    expect(running.plannedResourceIds).toBeUndefined();
    expect(waiting).toMatchObject({
      state: 'Waiting',
      nodes: [],
      resourceIds: [],
      plannedNodes: ['node2', 'node4', 'node3', 'node1'],
      plannedResourceIds: [1, 4, 2, 5, 3, 8, 7, 6],
      scheduledStart: iso(1795553191),
    });
  });

  it('maps dependencies, an advance reservation and a held job as OAR 2.5.9 lists them', () => {
    const body = fixtures.find((f) => f.file === 'jobs-details-queue-dependency-reservation-hold.json')!.body;
    const [blocker, behind, after, reservation, held] = parsePage(body).items.map(mapJob);
    expect(blocker).toMatchObject({ state: 'Running', resourceIds: [8, 7, 6, 1, 2, 3, 5, 4] });
    expect(behind).toMatchObject({ state: 'Waiting', plannedResourceIds: [1], scheduledStart: iso(1796443124) });
    expect(behind.dependencies).toBeUndefined();
    expect(after).toMatchObject({ dependencies: [1], plannedResourceIds: [2], scheduledStart: iso(1796443183) });
    // A reservation's slot is promised, not in use: its core must not count as busy.
    expect(reservation).toMatchObject({ reservation: 'Scheduled', resourceIds: [], plannedResourceIds: [1] });
    expect(held).toMatchObject({ state: 'Hold', resourceIds: [] });
    expect(held.scheduledStart).toBeUndefined();
    expect(held.reservation).toBeUndefined();
  });

  it('names the field when a row is not what OAR sends', () => {
    expect(() => mapJob({ ...running, id: 'x' })).toThrow(/id is not a number/);
    expect(() => mapResource({ id: 1, state: 'Alive' })).toThrow(/network_address is missing/);
    expect(() => parsePage({ items: 'no' })).toThrow(/items is not a list/);
  });

  it('finds the next page link', () => {
    const page = parsePage({
      items: [],
      offset: 0,
      total: 9,
      links: [{ rel: 'next', href: '/oarapi/x.json?offset=2' }],
    });
    expect(page.nextHref).toBe('/oarapi/x.json?offset=2');
  });
});

describe('request bodies', () => {
  it('turns every submit option into the key oarapi.pl passes to oarsub', () => {
    expect(
      toOarSubmitBody({
        command: 'echo hi',
        resources: ['/nodes=1,walltime=1:0:0', '/core=2'],
        name: 'n',
        queue: 'default',
        property: "host='node1'",
        types: ['besteffort', 'idempotent'],
        directory: '/tmp',
        project: 'p',
        stdout: 'o.%jobid%',
        stderr: 'e.%jobid%',
        hold: true,
        reservation: '2030-01-01 00:00:00',
        checkpoint: 60,
        signal: 12,
        array: 3,
        arrayParams: 'a\nb\n',
        anterior: 7,
        notify: 'mail:a@b',
        useJobKey: true,
      }),
    ).toEqual({
      command: 'echo hi',
      resource: ['/nodes=1,walltime=1:0:0', '/core=2'],
      name: 'n',
      queue: 'default',
      property: "host='node1'",
      type: ['besteffort', 'idempotent'],
      directory: '/tmp',
      project: 'p',
      stdout: 'o.%jobid%',
      stderr: 'e.%jobid%',
      hold: '',
      reservation: '2030-01-01 00:00:00',
      checkpoint: '60',
      signal: '12',
      array: '3',
      param_file: 'a\nb\n',
      anterior: '7',
      notify: 'mail:a@b',
      'use-job-key': '',
    });
    expect(toOarSubmitBody({ script: '#!/bin/sh\n', hold: false })).toEqual({ script: '#!/bin/sh\n' });
  });

  it('writes a resource row with network_address and host', () => {
    expect(toOarResourceRow({ node: 'node9', cpu: 9, core: 17, cpuset: 0, properties: { besteffort: 'NO' } })).toEqual({
      besteffort: 'NO',
      network_address: 'node9',
      host: 'node9',
      cpu: 9,
      core: 17,
      cpuset: 0,
    });
  });
});
