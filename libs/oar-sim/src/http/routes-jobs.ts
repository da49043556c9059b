/** Job routes: lists, one job, oarsub, oardel, hold/resume and the other job actions. */
import { UNIX_USERS } from '../cluster';
import type { JobRow } from '../records';
import type { JobView, RenderContext } from '../render';
import { stampObject, stampRow } from '../render';
import { RequestError } from '../resource-request';
import { CommandError } from '../scheduler';
import { readCostMs } from '../cost-model';
import { readPosted } from './body';
import type { SimApi } from './context';
import { oardodoUnknownUser, OarHttpError, permissionDenied } from './errors';
import { envelope, pageWindow, queryParams } from './pagination';
import type { OarRequest } from './request';
import type { Router } from './router';
import { readSubmission } from './submit';
import { inTimeWindow } from '../time-window';

/** oarsub exit statuses oarapi.pl reports as the user's fault (400); the others are 500. */
const USER_ERRORS = new Set([4, 5, 6, 7, 8, 10, 16, 17]);
const ODODO = '/usr/lib/oar/oardodo/oardodo';

export function jobRoutes(router: Router, api: SimApi): void {
  const ctx = (req: OarRequest): RenderContext => ({ base: req.base, viewer: req.login });
  const render = (req: OarRequest, job: JobRow, view: JobView) =>
    stampRow(api.renderer.job(job, ctx(req), view), req.now);

  /**
   * `ids=a:b:c` names the jobs, whatever their state (oarapi.pl drops its default state filter when
   * `ids` is given); `state=` still narrows them. Listed by id, like OAR's query.
   */
  const named = (ids: string): JobRow[] =>
    [...new Set(ids.split(':').map(Number))]
      .sort((a, b) => a - b)
      .map((id) => api.cluster.job(id))
      .filter((job) => job !== undefined);

  const list = (view: JobView) => (req: OarRequest) => {
    const states = req.query.get('state')?.split(',');
    const user = req.query.get('user');
    const ids = req.query.get('ids');
    const epoch = (name: string) => (req.query.has(name) ? Number(req.query.get(name)) : undefined);
    const [from, to] = [epoch('from'), epoch('to')];
    const filtered = states || from !== undefined || to !== undefined;
    const source = ids !== null ? named(ids) : filtered ? api.cluster.jobs.values() : api.cluster.unfinished.values();
    const selected: JobRow[] = [];
    for (const job of source) {
      if ((!states || states.includes(job.state)) && (!user || job.owner === user) && inTimeWindow(job, from, to))
        selected.push(job);
    }
    const window = pageWindow(req);
    const page = selected.slice(window.offset, window.offset + window.limit).map((job) => render(req, job, view));
    const read = view === 'list' ? 'jobs' : ids !== null ? 'jobs/details?ids' : 'jobs/details';
    req.costMs = readCostMs(api.costs, read, selected.length, page.length);
    req.sendJsonText(200, envelope(req, page, selected.length, window, queryParams(req)));
  };

  const findJob = (req: OarRequest, id: string): JobRow => {
    if (!req.login) throw permissionDenied('A suitable authentication must be done before looking at jobs');
    const job = api.cluster.job(Number(id));
    if (!job) throw new OarHttpError(404, 'Job not found', 'Job not found');
    return job;
  };

  const jobItems = (req: OarRequest, id: string, item: 'resources' | 'nodes') => {
    const job = api.cluster.job(Number(id));
    const rows = job ? api.renderer.jobResources(job, req.base)[item] : [];
    const items = rows.map((row) => stampObject(row, req.now));
    req.sendJsonText(200, envelope(req, items, items.length, undefined));
  };

  /** oardel/oarhold/oarresume as the user: a refusal is oarapi.pl's 400 "<command> error". */
  const act = (req: OarRequest, id: string, run: () => string, errorName: string, command: string): string => {
    if (!UNIX_USERS.has(req.login)) throw oardodoUnknownUser();
    try {
      return run();
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      throw new OarHttpError(
        400,
        `${errorName} error`,
        `${errorName} command exited with status ${err.status}: ${err.output}. (Command was: ${ODODO} ${command}).`,
      );
    }
  };

  router
    .on('GET', '/jobs', list('list'))
    .on('GET', '/jobs/details', list('list-details'))
    .on('GET', '/jobs/table', list('table'))
    .on('GET', '/jobs/:id', (req, [id]) => req.sendJsonText(200, render(req, findJob(req, id), 'job')))
    .on('GET', '/jobs/:id/details', (req, [id]) => req.sendJsonText(200, render(req, findJob(req, id), 'job-details')))
    .on('GET', '/jobs/:id/resources', (req, [id]) => jobItems(req, id, 'resources'))
    .on('GET', '/jobs/:id/nodes', (req, [id]) => jobItems(req, id, 'nodes'))
    .on('POST', '/jobs', (req) => {
      if (!req.login) throw permissionDenied('A suitable authentication must be done before posting jobs');
      const posted = readPosted(req, 'Job');
      const { spec, oarcmd, unknownOption, reservation } = readSubmission(
        Array.isArray(posted) ? {} : posted,
        req.login,
      );
      if (!UNIX_USERS.has(req.login)) throw oardodoUnknownUser();
      const fail = (status: number, output: string) =>
        new OarHttpError(
          USER_ERRORS.has(status) ? 400 : 500,
          USER_ERRORS.has(status) ? 'Bad query' : 'Oar server error',
          `Oarsub command exited with status ${status}: ${output}\nCmd:\n${oarcmd}`,
        );
      if (unknownOption) throw fail(1, `Unknown option: ${unknownOption}\n`);
      if (reservation) throw fail(5, `[ADMISSION RULE] Advance reservations are not simulated by oar-sim\n`);
      let job: JobRow;
      let output: string;
      try {
        ({ job, output } = api.scheduler.submit(spec));
      } catch (err) {
        if (err instanceof RequestError) throw fail(err.status, err.message);
        throw err;
      }
      const href = `${req.base}/jobs/${job.id}`;
      req.send(
        201,
        {
          api_timestamp: req.now,
          cmd_output: output,
          id: job.id,
          links: [{ href, rel: 'self' }],
        },
        { Location: href },
      );
    })
    .on('DELETE', '/jobs/:id', (req, [id]) => {
      if (!req.login) throw permissionDenied('A suitable authentication must be done before deleting jobs');
      const output = act(req, id, () => api.scheduler.frag(req.login, Number(id)), 'Oardel', `oardel ${id}`);
      req.send(202, { api_timestamp: req.now, id, oardel_output: output, status: 'Delete request registered' });
    })
    .on('POST', '/jobs/:id/(deletions|holds|rholds|resumptions|checkpoints)/new', (req, [id, action]) => {
      if (!req.login) throw permissionDenied('A suitable authentication must be done before modifying jobs');
      const scheduler = api.scheduler;
      // oarapi.pl runs "<program> $array <flags> <id>" with an empty $array, hence the double space.
      const actions: Record<string, [string, string, () => string]> = {
        deletions: ['oardel  ', 'Delete request registered', () => scheduler.frag(req.login, Number(id))],
        holds: ['oarhold  ', 'Hold request registered', () => scheduler.hold(req.login, Number(id))],
        rholds: [
          'oarhold  -r ',
          'Hold request registered',
          () => refuse(`/!\\ Holding a running job is not simulated\n`),
        ],
        resumptions: ['oarresume  ', 'Resume request registered', () => scheduler.resume(req.login, Number(id))],
        checkpoints: ['oardel  -c ', 'Checkpoint request registered', () => refuse(`Checkpointing is not simulated\n`)],
      };
      const [command, status, run] = actions[action];
      const output = act(req, id, run, 'Oar', `${command}${id}`);
      req.send(202, {
        api_timestamp: req.now,
        cmd_output: output,
        id,
        links: [{ href: `${req.base}/jobs/${id}`, rel: 'self' }],
        status,
      });
    });
}

function refuse(output: string): never {
  throw new CommandError(256, output);
}
