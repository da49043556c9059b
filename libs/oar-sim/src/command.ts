/**
 * What a job's command would do, without running it: simple shell (`sleep N`, `exit N`, `true`,
 * `false`, `echo …` and friends, joined by `;`, `&&`, `||` or newlines) gives a run time and an exit
 * status; anything else runs for the default duration and succeeds.
 */
export interface Outcome {
  /** Simulated seconds the command runs. */
  seconds: number;
  /** Shell exit status (0–255). OAR's exit_code is the raw wait status: status << 8. */
  status: number;
}

const INSTANT = new Set(['echo', 'true', 'hostname', 'date', 'cat', 'uniq', 'printf', 'env', 'pwd', 'uname', ':']);

export function interpretCommand(text: string, defaultSeconds: number): Outcome {
  const statements = text
    .split('\n')
    .filter((line, index) => !(index === 0 && line.startsWith('#!')))
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .join('\n')
    .split(/(;|&&|\|\||\n)/);
  let seconds = 0;
  let status = 0;
  let understood = true;
  let skipNext = false;
  for (const token of statements) {
    if (token === ';' || token === '\n') continue;
    if (token === '&&' || token === '||') {
      skipNext = token === '&&' ? status !== 0 : status === 0;
      continue;
    }
    const words = token.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    if (skipNext) {
      skipNext = false;
      continue;
    }
    const [verb, arg] = words;
    if (verb === 'sleep' && arg !== undefined && /^\d+(\.\d+)?$/.test(arg)) {
      seconds += Number(arg);
      status = 0;
    } else if (verb === 'exit') {
      return { seconds, status: arg !== undefined && /^\d+$/.test(arg) ? Number(arg) % 256 : status };
    } else if (verb === 'false') {
      status = 1;
    } else if (INSTANT.has(verb)) {
      status = 0;
    } else {
      understood = false;
      status = 0;
    }
  }
  return { seconds: understood ? seconds : Math.max(seconds, defaultSeconds), status };
}
