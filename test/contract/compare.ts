/**
 * How a real-OAR step and an oar-sim step are compared:
 * - status code and Content-Type: equal;
 * - body: same key sets and value types at every level (json-shape); paths a step marks nullable
 *   may be null on one side only (values that depend on timing, e.g. a walltime before planning);
 * - OAR errors (`{code, title, message}`): title equal, and message equal unless the step says the
 *   wording is a known difference;
 * - fixed values that define behaviour: job `state`, `exit_code`, `message`, event types, list `total`;
 * - job state sequences: both in OAR's order, with the same slow states (Hold, Running) and the same
 *   final state; Waiting, toLaunch, Launching and Finishing may be missing on either side: on a free
 *   cluster they last about a second or less in OAR, and polling every 150 ms can miss them in real
 *   OAR too. That a blocked job is Waiting is checked by an explicit GET step instead.
 */
import { shapeDiff } from '../support/json-shape';
import type { Step } from './session';

const ORDER = ['Hold', 'Waiting', 'toLaunch', 'Launching', 'Running', 'Finishing', 'Terminated', 'Error'];
const FAST = new Set(['Waiting', 'toLaunch', 'Launching', 'Finishing']);

export function compareSteps(real: Step[], sim: Step[]): string[] {
  const out: string[] = [];
  if (real.length !== sim.length) out.push(`step count: real ${real.length}, sim ${sim.length}`);
  for (let i = 0; i < Math.min(real.length, sim.length); i++) {
    const [r, s] = [real[i], sim[i]];
    const where = `step "${r.name}"`;
    if (r.name !== s.name) out.push(`${where}: sim step is "${s.name}"`);
    if (r.status !== s.status) out.push(`${where}: status real ${r.status}, sim ${s.status}`);
    if (r.contentType !== s.contentType) out.push(`${where}: content-type real ${r.contentType}, sim ${s.contentType}`);
    for (const d of shapeDiff(r.body, s.body, { nullable: r.nullable })) out.push(`${where}: ${d}`);
    for (const d of valueDiff(r, s)) out.push(`${where}: ${d}`);
    if (r.states || s.states) for (const d of stateDiff(r.states ?? [], s.states ?? [])) out.push(`${where}: ${d}`);
  }
  return out;
}

function valueDiff(r: Step, s: Step): string[] {
  const a = r.body as Record<string, unknown>;
  const b = s.body as Record<string, unknown>;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return [];
  const keys = ['code', 'title', 'state', 'exit_code', 'total', 'html', 'text', 'status', 'authenticated_user'];
  if (!r.messageMayDiffer) keys.push('message');
  const out = keys
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k} real ${JSON.stringify(a[k])}, sim ${JSON.stringify(b[k])}`);
  const events = (x: Record<string, unknown>) =>
    (x.events as Array<{ type: string }> | undefined)
      ?.map((e) => e.type)
      .filter((type) => !r.eventsMayDiffer?.includes(type));
  if (JSON.stringify(events(a)) !== JSON.stringify(events(b)))
    out.push(`event types real ${JSON.stringify(events(a))}, sim ${JSON.stringify(events(b))}`);
  return out;
}

function stateDiff(real: string[], sim: string[]): string[] {
  const out: string[] = [];
  for (const [side, states] of [
    ['real', real],
    ['sim', sim],
  ] as const) {
    const ranks = states.map((s) => ORDER.indexOf(s));
    if (ranks.some((rank, i) => rank < 0 || (i > 0 && rank <= ranks[i - 1])))
      out.push(`${side} states out of OAR's order: ${states.join(' → ')}`);
  }
  const slow = (states: string[]) => states.filter((s) => !FAST.has(s)).join(' → ');
  if (slow(real) !== slow(sim)) out.push(`states real ${real.join(' → ')}, sim ${sim.join(' → ')}`);
  return out;
}
