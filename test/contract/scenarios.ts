/**
 * The contract scenarios. Each runs against one target through a Session; the test runs it against
 * the real OAR sandbox and oar-sim side by side and compares the recorded steps (./compare.ts).
 * Both targets start clean (8 Alive resources node1..node4 × 2 cores, no jobs, ids from 1).
 */
import { sqlDate } from '@oar-live/oar-sim';
import type { Session } from './session';

const ALICE = 'alice';
const BOB = 'bob';
const ADMIN = 'oar';
/** OAR clears a finished job's Gantt entry a few seconds after its end: read at once or later, either. */
const GANTT = ['scheduled_start', 'walltime'];
type JobAnswer = { id: number };

export async function readEveryEndpoint(s: Session): Promise<void> {
  for (const path of ['/.json', '/version.json', '/timezone.json', '/whoami.json']) await s.call(path, path);
  await s.call('whoami as alice', '/whoami.json', { user: ALICE });
  await s.call('whoami as a dashed ident', '/whoami.json', { user: 'al-ice' });
  for (const path of [
    '/resources.json',
    '/resources/full.json',
    '/resources/details.json',
    '/resources/full.json?limit=3&offset=3',
    '/resources/full.json?limit=500&offset=0',
    '/resources/1.json',
    '/resources/nodes/node1.json',
    '/resources/1/jobs.json',
    '/resources/nodes/node1/jobs.json',
    '/jobs.json',
    '/jobs/details.json',
    '/jobs/table.json',
    '/jobs.json?state=Terminated,Error&limit=500',
  ])
    await s.call(path, path);
  await s.call('GET /jobs without a suffix (Accept */*)', '/jobs');
  await s.call('GET /jobs without a suffix (Accept json)', '/jobs', { headers: { Accept: 'application/json' } });
  await s.call('unknown uri', '/index.json');
  await s.call('bad structure', '/jobs.json?structure=foo');
  await s.call('unknown resource', '/resources/9999.json');
  await s.call('unknown job', '/jobs/9999.json', { user: ALICE });
  await s.call('unknown job details', '/jobs/9999/details.json', { user: ALICE });
  await s.call('unknown job resources', '/jobs/9999/resources.json', { user: ALICE });
  await s.call('priv without credentials', '/whoami.json', { priv: true });
  await s.call('priv with a wrong password', '/whoami.json', { basic: [ALICE, 'nope'] });
  // Last: an error answered before the format is known (406 above) takes the format of the previous
  // request served by the same oarapi.pl process, so a YAML answer must not come before it.
  await s.call('/version.yaml', '/version.yaml');
  await s.call('priv as alice, ident oar ignored', '/whoami.json', {
    basic: [ALICE, 'alicepw'],
    headers: { 'X-Remote-Ident': ADMIN },
  });
}

export async function commandAndScriptJobs(s: Session): Promise<void> {
  const command = await s.call('submit a command job', '/jobs.json', {
    method: 'POST',
    user: ALICE,
    json: { resource: '/nodes=1/core=1,walltime=00:05:00', command: 'echo start; sleep 4; echo end', name: 'api-cmd' },
  });
  const id = (command.body as JobAnswer).id;
  await s.waitFor(id, ALICE, 'Running');
  await s.call('running job', `/jobs/${id}.json`, { user: ALICE });
  await s.call('running job details', `/jobs/${id}/details.json`, { user: ALICE });
  await s.call('running job resources', `/jobs/${id}/resources.json`, { user: ALICE });
  await s.call('running job nodes', `/jobs/${id}/nodes.json`, { user: ALICE });
  await s.call('jobs while running', '/jobs.json');
  await s.call('jobs/details while running', '/jobs/details.json');
  await s.call('jobs/details while running, as alice', '/jobs/details.json', { user: ALICE });
  await s.call('jobs/table while running', '/jobs/table.json');
  await s.call('jobs on resource 1', '/resources/1/jobs.json');
  await s.call('jobs on node1', '/resources/nodes/node1/jobs.json');
  await s.call('anonymous read of a job', `/jobs/${id}.json`);
  await s.follow('command job to the end', id, ALICE, GANTT);
  await s.call('terminated job details', `/jobs/${id}/details.json`, { user: ALICE, nullable: GANTT });

  const script = await s.call('submit a script job (Basic, bob)', '/jobs.json', {
    method: 'POST',
    basic: [BOB, 'bobpw'],
    json: {
      resource: '/nodes=2/core=1,walltime=00:02:00',
      script: '#!/bin/bash\nuniq $OAR_NODEFILE\nsleep 2\n',
      name: 'api-script',
    },
  });
  const scriptId = (script.body as JobAnswer).id;
  await s.follow('script job to the end', scriptId, BOB, GANTT);
  await s.call('jobs after both ended', '/jobs.json');
  await s.call('finished jobs', '/jobs.json?state=Terminated,Error&limit=500');
  const failing = await s.call('submit a form job that exits 3', '/jobs.json', {
    method: 'POST',
    user: BOB,
    form: { resource: '/nodes=1/core=1,walltime=00:01:00', command: 'sleep 1; exit 3' },
  });
  await s.follow('failing job to the end', (failing.body as JobAnswer).id, BOB, GANTT);
}

export async function cancelWaitingAndRunning(s: Session): Promise<void> {
  const big = { resource: '/nodes=4/core=2,walltime=00:05:00' };
  const submit = async (name: string, user: string, command: string, jobName: string) =>
    (await s.call(name, '/jobs.json', { method: 'POST', user, json: { ...big, command, name: jobName } }))
      .body as JobAnswer;
  const running = await submit('submit a job taking all cores', ALICE, 'sleep 120', 'blocker');
  await s.waitFor(running.id, ALICE, 'Running');
  const waiting = await submit('submit a job that must wait', BOB, 'sleep 5', 'api-big');
  await s.waitFor(waiting.id, BOB, 'Waiting');
  await s.call('waiting job', `/jobs/${waiting.id}.json`, {
    user: BOB,
    nullable: ['walltime', 'scheduled_start'],
    messageMayDiffer: true,
  });
  await s.call('alice deletes bob job', `/jobs/${waiting.id}.json`, { method: 'DELETE', user: ALICE });
  await s.call('bob deletes his waiting job', `/jobs/${waiting.id}.json`, { method: 'DELETE', user: BOB });
  await s.follow('deleted waiting job to the end', waiting.id, BOB, GANTT);
  await s.call('alice deletes her running job (deletions/new)', `/jobs/${running.id}/deletions/new.json`, {
    method: 'POST',
    user: ALICE,
  });
  await s.follow('deleted running job to the end', running.id, ALICE, GANTT);
  await s.call('delete an unknown job', '/jobs/9999.json', { method: 'DELETE', user: ALICE });
  await s.call('delete anonymously', `/jobs/${running.id}.json`, { method: 'DELETE' });
}

/** What an incremental reader asks: the light lists page by page, and chosen jobs by `ids=`. */
export async function lightListsAndIds(s: Session): Promise<void> {
  for (const path of ['/resources.json?limit=3&offset=3', '/resources.json?limit=5000', '/resources.json?offset=6'])
    await s.call(path, path);
  const submit = async (name: string, user: string, command: string) =>
    (
      await s.call(name, '/jobs.json', {
        method: 'POST',
        user,
        json: { resource: '/nodes=1/core=1,walltime=00:05:00', command, name: 'api-ids' },
      })
    ).body as JobAnswer;
  const done = await submit('submit a short job', ALICE, 'sleep 2');
  await s.follow('short job to the end', done.id, ALICE, GANTT);
  const alices = await submit('submit a long job', ALICE, 'sleep 120');
  const bobs = await submit('submit a long job as bob', BOB, 'sleep 120');
  await s.waitFor(alices.id, ALICE, 'Running');
  await s.waitFor(bobs.id, BOB, 'Running');
  for (const path of [
    '/jobs.json?limit=1',
    '/jobs.json?limit=1&offset=1',
    `/jobs.json?ids=${bobs.id}`,
    `/jobs/details.json?ids=${done.id}:${bobs.id}`,
    `/jobs/details.json?ids=${bobs.id}:${done.id}:${alices.id}&limit=2`,
    `/jobs/details.json?ids=${done.id}:${alices.id}&state=Running`,
    '/jobs/details.json?ids=9999',
  ])
    await s.call(path, path, { user: ALICE, nullable: GANTT.map((field) => `items[].${field}`) });
  for (const job of [alices, bobs])
    await s.call(`delete job ${job.id}`, `/jobs/${job.id}.json`, { method: 'DELETE', user: ADMIN });
}

export async function holdAndResume(s: Session): Promise<void> {
  const held = (
    await s.call('submit held', '/jobs.json', {
      method: 'POST',
      user: BOB,
      json: { resource: '/nodes=1/core=1,walltime=00:03:00', command: 'sleep 1', name: 'api-hold', hold: true },
    })
  ).body as JobAnswer;
  await s.call('held job', `/jobs/${held.id}.json`, { user: BOB });
  await s.call('jobs with a held job', '/jobs.json');
  await s.call('resume', `/jobs/${held.id}/resumptions/new.json`, { method: 'POST', user: BOB });
  await s.follow('resumed job to the end', held.id, BOB, GANTT);
}

export async function resources(s: Session): Promise<void> {
  await s.call('create one resource (ident oar)', '/resources.json', {
    method: 'POST',
    user: ADMIN,
    json: { hostname: 'node5', host: 'node5', cpu: 5, core: 9, cpuset: 0 },
  });
  await s.call('create two resources (Basic oar)', '/resources.json', {
    method: 'POST',
    basic: [ADMIN, 'oarpw'],
    json: [
      { network_address: 'node5', host: 'node5', cpu: 5, core: 10, cpuset: 1 },
      { network_address: 'node6', host: 'node6', cpu: 6, core: 11, cpuset: 0 },
    ],
  });
  await s.call('created resource', '/resources/9.json');
  await s.call('resources with the new ones', '/resources/full.json');
  await s.call('set Absent (JSON)', '/resources/11/state.json', {
    method: 'POST',
    user: ADMIN,
    json: { state: 'Absent' },
  });
  await s.call('absent resource', '/resources/11.json');
  await s.call('delete a resource that is not Dead', '/resources/10.json', {
    method: 'DELETE',
    user: ADMIN,
    headers: { Accept: 'application/json' },
  });
  await s.call('set Dead (form)', '/resources/11/state.json', { method: 'POST', user: ADMIN, form: { state: 'Dead' } });
  await s.call('delete without Accept', '/resources/11.json', { method: 'DELETE', user: ADMIN });
  await s.call('delete as alice', '/resources/11.json', {
    method: 'DELETE',
    user: ALICE,
    headers: { Accept: 'application/json' },
  });
  await s.call('delete the Dead resource', '/resources/11.json', {
    method: 'DELETE',
    user: ADMIN,
    headers: { Accept: 'application/json' },
  });
  await s.call('delete it again', '/resources/11.json', {
    method: 'DELETE',
    user: ADMIN,
    headers: { Accept: 'application/json' },
  });
  for (const id of [9, 10]) {
    await s.call(`retire resource ${id}`, `/resources/${id}/state.json`, {
      method: 'POST',
      user: ADMIN,
      json: { state: 'Dead' },
    });
    await s.call(`delete resource ${id}`, `/resources/${id}.json`, {
      method: 'DELETE',
      user: ADMIN,
      headers: { Accept: 'application/json' },
    });
  }
  await s.call('resources after', '/resources.json');
}

export async function errorCases(s: Session): Promise<void> {
  const post = (name: string, path: string, options: Parameters<Session['call']>[2]) =>
    s.call(name, path, { method: 'POST', ...options });
  await post('submit anonymously', '/jobs.json', { json: { command: 'true' } });
  await post('submit as an unknown unix user', '/jobs.json', { user: 'zed', json: { command: 'true' } });
  await post('too many resources', '/jobs.json', {
    user: ALICE,
    json: { resource: '/nodes=99/core=1,walltime=00:01:00', command: 'true' },
  });
  await post('unknown property', '/jobs.json', {
    user: ALICE,
    json: { property: "gpu_model='A100'", resource: '/nodes=1,walltime=00:01:00', command: 'true' },
    messageMayDiffer: true,
  });
  await post('bad resource syntax', '/jobs.json', {
    user: ALICE,
    json: { resource: '/nodes=abc/core=1,walltime=00:01:00', command: 'true' },
  });
  await post('no command', '/jobs.json', { user: ALICE, json: { resource: '/nodes=1' } });
  await post('malformed JSON', '/jobs.json', {
    user: ALICE,
    headers: { 'Content-Type': 'application/json' },
    body: '{"command": ',
    messageMayDiffer: true,
  });
  await post('create resource anonymously', '/resources.json', { json: { hostname: 'n' } });
  await post('create resource as alice', '/resources.json', { user: ALICE, json: { hostname: 'n' } });
  await post('create resource with a system property', '/resources.json', {
    user: ADMIN,
    json: { hostname: 'n', state: 'Alive' },
  });
  await post('create resource without hostname', '/resources.json', { user: ADMIN, json: { cpu: 1 } });
  await post('bad state', '/resources/1/state.json', { user: ADMIN, json: { state: 'Broken' } });
  await post('state as alice', '/resources/1/state.json', { user: ALICE, json: { state: 'Dead' } });
  await s.call('delete unknown resource', '/resources/9999.json', {
    method: 'DELETE',
    user: ADMIN,
    headers: { Accept: 'application/json' },
  });
  await s.call('job read anonymously', '/jobs/1.json');
}

/**
 * OAR's Gantt: a job filling the cluster, a job behind it, one depending on it and a held one. The
 * predicted starts, as offsets from the blocker's start, and the planned cores must be the same on
 * both sides; deleting the blocker (a job ending early) starts the waiting ones.
 */
export async function ganttPredictions(s: Session): Promise<void> {
  const submit = async (name: string, json: Record<string, unknown>) =>
    (await s.call(name, '/jobs.json', { method: 'POST', user: ALICE, json: { command: 'sleep 60', ...json } }))
      .body as JobAnswer;
  const blocker = await submit('submit a job filling the cluster', {
    resource: '/nodes=4/core=2,walltime=00:10:00',
    command: 'sleep 600',
  });
  await s.waitFor(blocker.id, ALICE, 'Running');
  const behind = await submit('submit a job behind it', { resource: '/nodes=1/core=1,walltime=00:05:00' });
  const after = await submit('submit a job depending on it', {
    resource: '/nodes=1/core=1,walltime=00:05:00',
    anterior: String(blocker.id),
  });
  const held = await submit('submit a held job', { resource: '/nodes=1/core=1,walltime=00:05:00', hold: true });
  const started = (await s.call('blocker', `/jobs/${blocker.id}.json`, { user: ALICE })).body as {
    start_time: number;
  };
  for (const [what, job] of [
    ['behind', behind],
    ['dependent', after],
  ] as const) {
    const planned = await s.waitForPlan(job.id, ALICE);
    s.note(`${what}: predicted start − blocker start`, (planned.scheduled_start as number) - started.start_time);
    s.note(
      `${what}: planned cores`,
      (planned.resources as Array<{ id: number; status: string }>).map((r) => [r.id, r.status]),
    );
    await s.call(`${what} job details`, `/jobs/${job.id}/details.json`, { user: ALICE });
  }
  await s.call('held job', `/jobs/${held.id}.json`, { user: ALICE });
  await s.call('delete the blocker', `/jobs/${blocker.id}.json`, { method: 'DELETE', user: ALICE });
  await s.waitFor(behind.id, ALICE, 'Running');
  await s.waitFor(after.id, ALICE, 'Running');
  for (const id of [behind.id, after.id, held.id])
    await s.call(`delete job ${id}`, `/jobs/${id}.json`, { method: 'DELETE', user: ALICE });
}

type JobDetails = Record<string, unknown> & { resources: Array<{ id: number; status: string }> };
/** The cores and their status, by id (OAR lists them in no particular order). */
const cores = (job: JobDetails) => job.resources.map((r) => [r.id, r.status]).sort(([a], [b]) => Number(a) - Number(b));
/** "This reservation could run at <date>": the date as seconds after `from`. */
const couldRunAfter = (message: string, from: number) =>
  Date.parse(`${/could run at (.+)$/.exec(message)?.[1]?.replace(' ', 'T')}Z`) / 1000 - from;

/**
 * Advance reservations (`oarsub -r`): one accepted, Waiting with its cores "reserved" until its
 * date, then Running; one refused behind a job filling the cluster ("could run at" its end);
 * one too old; a date oarsub cannot read.
 */
export async function reservations(s: Session): Promise<void> {
  const reserve = (name: string, at: string, json: Record<string, unknown> = {}, messageMayDiffer = false) =>
    s.call(name, '/jobs.json', {
      method: 'POST',
      user: ALICE,
      json: { command: 'sleep 3', reservation: at, ...json },
      messageMayDiffer,
    });
  const at = Math.floor(Date.now() / 1000) + 20;
  const accepted = (
    await reserve('reserve a core in 20 s', sqlDate(at), {
      resource: '/nodes=1/core=1,walltime=00:05:00',
      name: 'resa',
    })
  ).body as JobAnswer;
  await s.waitFor(accepted.id, ALICE, 'Waiting');
  const booked = (await s.call('accepted reservation', `/jobs/${accepted.id}/details.json`, { user: ALICE }))
    .body as JobDetails;
  s.note('reservation: reservation, scheduled start − date', [
    booked.reservation,
    (booked.scheduled_start as number) - at,
  ]);
  s.note('reservation: cores', cores(booked));
  // Almighty runs the scheduler when something happens, at the latest every 60 s: on an idle OAR a
  // reservation starts up to a minute after its date, its walltime shortened to end on time
  // (REDUCE_RESERVATION_WALLTIME, W= in its message). The sim starts it on the dot.
  await s.waitFor(accepted.id, ALICE, 'Running', 120000);
  const late = { messageMayDiffer: true, eventsMayDiffer: ['REDUCE_RESERVATION_WALLTIME'] };
  const started = (await s.call('reservation running', `/jobs/${accepted.id}.json`, { user: ALICE, ...late })).body as {
    start_time: number;
    message: string;
  };
  s.note('reservation: started at or after its date, message', [
    started.start_time >= at,
    started.message.replace(/W=[\d:]+/, 'W=…'),
  ]);
  await s.waitFor(accepted.id, ALICE, 'Terminated');
  await s.call('reservation ended', `/jobs/${accepted.id}.json`, { user: ALICE, nullable: GANTT, ...late });

  await s.call('a reservation date oarsub cannot read', '/jobs.json', {
    method: 'POST',
    user: ALICE,
    json: { command: 'sleep 3', reservation: 'tomorrow' },
  });
  await reserve('a reservation ended long ago', '2020-01-01 00:00:00');
  const fill = (
    await s.call('submit a job filling the cluster', '/jobs.json', {
      method: 'POST',
      user: ALICE,
      json: { resource: '/nodes=4/core=2,walltime=00:10:00', command: 'sleep 600', name: 'fill' },
    })
  ).body as JobAnswer;
  await s.waitFor(fill.id, ALICE, 'Running');
  const filled = (await s.call('filling job', `/jobs/${fill.id}.json`, { user: ALICE })).body as { start_time: number };
  const refused = await reserve(
    'reserve a core the filling job holds',
    sqlDate(Math.floor(Date.now() / 1000) + 60),
    { resource: '/nodes=1/core=1,walltime=00:05:00', name: 'resa2' },
    true,
  );
  const refusedId = Number(/OAR_JOB_ID=(\d+)/.exec((refused.body as { message: string }).message)?.[1]);
  const error = (
    await s.call('refused reservation', `/jobs/${refusedId}/details.json`, { user: ALICE, messageMayDiffer: true })
  ).body as JobDetails;
  s.note('refused: reservation, cores', [error.reservation, cores(error)]);
  s.note('refused: could run at − filling job start', couldRunAfter(error.message as string, filled.start_time));
  await s.call('delete the filling job', `/jobs/${fill.id}.json`, { method: 'DELETE', user: ALICE });
  await s.follow('filling job to the end', fill.id, ALICE, GANTT);
}

/**
 * Conservative backfilling: half the cluster busy for 10 min and a quarter for 3 min, a job needing
 * the whole cluster planned behind them; a later short job starts at once on a free core, a later
 * long one waits after the big one (starting it now would delay it), and a later job needing half
 * the cluster for 2 min is planned in the gap the 3-min job leaves before the big one.
 */
export async function backfilling(s: Session): Promise<void> {
  const submit = async (name: string, resource: string, command: string) =>
    (await s.call(name, '/jobs.json', { method: 'POST', user: ALICE, json: { resource, command, name } }))
      .body as JobAnswer;
  const details = async (name: string, id: number) =>
    (await s.call(name, `/jobs/${id}/details.json`, { user: ALICE })).body as JobDetails;
  const half = await submit('half', '/nodes=2/core=2,walltime=00:10:00', 'sleep 600');
  await s.waitFor(half.id, ALICE, 'Running');
  const quarter = await submit('quarter', '/nodes=1/core=2,walltime=00:03:00', 'sleep 180');
  await s.waitFor(quarter.id, ALICE, 'Running');
  const big = await submit('big', '/nodes=4/core=2,walltime=00:05:00', 'sleep 60');
  await s.waitForPlan(big.id, ALICE);
  const short = await submit('short', '/nodes=1/core=1,walltime=00:02:00', 'sleep 2');
  await s.follow('the short job starts at once', short.id, ALICE, GANTT);
  const long = await submit('long', '/nodes=1/core=1,walltime=00:20:00', 'sleep 60');
  await s.waitForPlan(long.id, ALICE);
  const gap = await submit('gap', '/nodes=2/core=2,walltime=00:02:00', 'sleep 60');
  await s.waitForPlan(gap.id, ALICE);
  const [halfJob, quarterJob] = [await details('half', half.id), await details('quarter', quarter.id)];
  const bigJob = await details('big is planned', big.id);
  const longJob = await details('the long job waits', long.id);
  const gapJob = await details('the gap job waits', gap.id);
  const start = (job: JobDetails) => (job.scheduled_start ?? job.start_time) as number;
  s.note('running cores', [cores(halfJob), cores(quarterJob)]);
  s.note('big: start − half start, cores', [start(bigJob) - start(halfJob), cores(bigJob)]);
  s.note('long: start − big start, cores', [start(longJob) - start(bigJob), cores(longJob)]);
  s.note('gap: start − quarter start, cores', [start(gapJob) - start(quarterJob), cores(gapJob)]);
  for (const job of [gap, long, big, quarter, half])
    await s.call(`delete job ${job.id}`, `/jobs/${job.id}.json`, { method: 'DELETE', user: ALICE });
}
