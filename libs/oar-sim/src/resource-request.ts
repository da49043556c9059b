/**
 * oarsub's `-l` resource description: `/nodes=2/core=1+core=3,walltime=1:30:00`.
 * Hierarchy levels: nodes (= network_address), host, cpu, core, resource_id; counts are numbers or ALL.
 */

export type Level = 'network_address' | 'host' | 'cpu' | 'core' | 'resource_id';
export interface LevelCount {
  level: Level;
  /** Number wanted at this level per parent; 'ALL' = every one available. */
  count: number | 'ALL';
}
/** One `+`-separated group: counts from the outermost level inwards. */
export type ResourceGroup = LevelCount[];

export interface ResourceRequest {
  groups: ResourceGroup[];
  /** Seconds. */
  walltime: number;
  /** False when OAR's default walltime applies (an admission rule says so). */
  walltimeGiven: boolean;
}

/** OAR's DEFAULT_JOB_WALLTIME. */
export const DEFAULT_WALLTIME = 7200;

const LEVEL_NAMES: Record<string, Level> = {
  nodes: 'network_address',
  node: 'network_address',
  network_address: 'network_address',
  host: 'host',
  cpu: 'cpu',
  core: 'core',
  resource_id: 'resource_id',
};

/** oarsub refused the request; `status` is oarsub's exit status (255 syntax, 8 bad request). */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseResourceRequest(text: string | undefined): ResourceRequest {
  const source = (text ?? '').trim();
  let walltime = DEFAULT_WALLTIME;
  let walltimeGiven = false;
  const groups: ResourceGroup[] = [];
  const parts = source === '' ? [] : source.split(',');
  const description = parts.length > 0 && !parts[0].startsWith('walltime=') ? parts.shift()! : '';
  for (const option of parts) {
    const match = /^walltime=(.+)$/.exec(option.trim());
    if (!match) throw cannotRecognize(option);
    walltime = parseWalltime(match[1]);
    walltimeGiven = true;
  }
  for (const groupText of description === '' ? [] : description.split('+')) {
    const group: ResourceGroup = [];
    for (const piece of groupText.split('/').filter((p) => p !== '')) {
      const match = /^(\w+)=(\w+)$/.exec(piece.trim());
      if (!match || !/^(\d+|ALL|BEST)$/.test(match[2])) throw cannotRecognize(piece);
      const level = LEVEL_NAMES[match[1]];
      if (!level) throw unknownColumn(match[1]);
      const count = /^\d+$/.test(match[2]) ? Number(match[2]) : 'ALL';
      if (count === 0) throw cannotRecognize(piece);
      group.push({ level, count });
    }
    if (group.length === 0) throw cannotRecognize(groupText);
    groups.push(group);
  }
  if (groups.length === 0) groups.push([{ level: 'resource_id', count: 1 }]);
  return { groups, walltime, walltimeGiven };
}

export function parseWalltime(text: string): number {
  const fields = text.trim().split(':');
  if (fields.length > 3 || !fields.every((f) => /^\d+$/.test(f))) throw cannotRecognize(`walltime=${text}`);
  const [h, m = '0', s = '0'] = fields;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** OAR's unpadded `h:m:s`, as in `W=0:5:0` (OAR's own text, not the padded display form of libs/shared). */
export function formatWalltime(seconds: number): string {
  return `${Math.floor(seconds / 3600)}:${Math.floor((seconds % 3600) / 60)}:${seconds % 60}`;
}

/** The job's `wanted_resources` column. */
export function wantedResources(request: ResourceRequest): string {
  const groups = request.groups.map((g) => `{type = 'default'}` + g.map((l) => `/${l.level}=${l.count}`).join(''));
  return `-l "${groups.join('+')},walltime=${formatWalltime(request.walltime)}" `;
}

/** Resources the request names explicitly (OAR's `R=` in the job message). */
export function requestedCount(request: ResourceRequest): number {
  return request.groups.reduce(
    (sum, g) => sum + g.reduce((product, l) => product * (l.count === 'ALL' ? 1 : l.count), 1),
    0,
  );
}

function cannotRecognize(piece: string): RequestError {
  return new RequestError(255, `/!\\ Cannot recognize the resource description : ${piece.trim()}\n`);
}

/** PostgreSQL rejected the query built from `-l`/`-p` (oarsub status 8, after the admission rules). */
export const badResourceRequest = (detail: string) => new RequestError(8, `Bad resource request (ERROR:  ${detail}\n)`);

export const unknownColumn = (name: string) => badResourceRequest(`column "${name}" does not exist`);
