import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { OarClient, type Job } from '@oar-live/oar-client';
import type { LiveEvent } from '@oar-live/shared';
import { diffCluster, type ClusterState } from '../../apps/api/src/cluster/differ';
import { FullReader, IncrementalReader, type Reading } from '../../apps/api/src/cluster/oar-reader';
import { resetOarSandbox } from '../support/oar-sandbox';
import { waitFor } from '../support/wait-for';

// The incremental reader and the full reader side by side on the real OAR sandbox: after every
// change (made with OAR's own commands, not through oar-live) both give exactly the same events.

const script = join(__dirname, '..', '..', 'scripts', 'oar-sandbox');
const oar = () => new OarClient({ baseUrl: process.env.OAR_SANDBOX_URL!, auth: 'ident', timeoutMs: 10_000 });
const asAlice = (command: string) =>
  execFileSync('su', ['alice', '-c', command], { cwd: '/home/alice', encoding: 'utf8' });

class SideBySide {
  private readonly full = new FullReader(oar());
  private readonly incremental = new IncrementalReader(oar());
  private fullState: ClusterState = { nodes: [], jobs: [] };
  private incrementalState: ClusterState = { nodes: [], jobs: [] };

  /** Both readers once (the incremental one as a poller's tick: its changes, then the reads it owes); their events from their own last states. */
  async read(): Promise<{ full: LiveEvent[]; incremental: LiveEvent[] }> {
    const events = (before: ClusterState, reading: Reading) => diffCluster(before, reading.state, reading.finals);
    const full = await this.full.read(this.fullState);
    const fullEvents = events(this.fullState, full);
    this.fullState = full.state;
    const changes = await this.incremental.read(this.incrementalState, {
      resources: true,
      refreshMs: 120_000,
      tickMs: 2000,
    });
    const incrementalEvents = events(this.incrementalState, changes);
    this.incrementalState = changes.state;
    if (this.incremental.owesReads) {
      const owed = await this.incremental.readOwed(this.incrementalState);
      incrementalEvents.push(...events(this.incrementalState, owed));
      this.incrementalState = owed.state;
    }
    return { full: fullEvents, incremental: incrementalEvents };
  }

  /** Both readers fail the same way (a failed read changes neither state). */
  async bothFail(): Promise<string[]> {
    const message = (read: Promise<unknown>) =>
      read.then(
        () => 'read',
        (err: Error) => err.name,
      );
    return [
      await message(this.full.read(this.fullState)),
      await message(
        this.incremental.read(this.incrementalState, { resources: true, refreshMs: 120_000, tickMs: 2000 }),
      ),
    ];
  }
}

const jobState = async (id: number) => (await oar().jobs.get(id, { as: 'oar' })).state;
const types = (events: LiveEvent[]) => events.map((e) => e.type);

describe('incremental reader against the real OAR', () => {
  beforeAll(() => resetOarSandbox());
  afterAll(() => {
    execFileSync('bash', [script, 'start-api'], { stdio: 'ignore' });
    resetOarSandbox();
  });

  it('gives the events of the full reader through a job, a node change, a new and a removed node, OAR down', async () => {
    const both = new SideBySide();
    const first = await both.read();
    expect(types(first.incremental)).toEqual(['node.added', 'node.added', 'node.added', 'node.added']);
    expect(first.incremental).toEqual(first.full);

    // A job's whole life: submitted with oarsub, running, deleted with oardel while OAR's API is down.
    const id = Number(/OAR_JOB_ID=(\d+)/.exec(asAlice("oarsub -l /nodes=1/core=1,walltime=00:05:00 'sleep 300'"))![1]);
    await waitFor(async () => (await jobState(id)) === 'Running', { describe: `job ${id} Running` });
    const running = await both.read();
    expect(running.incremental).toEqual(running.full);
    expect(running.incremental).toContainEqual(expect.objectContaining({ type: 'job.added' }));
    expect(running.incremental).toContainEqual(expect.objectContaining({ type: 'node.changed' }));
    expect(await both.read()).toEqual({ full: [], incremental: [] });

    // A node state change made with oarnodesetting.
    execFileSync('oarnodesetting', ['-h', 'node4', '-s', 'Absent'], { stdio: 'ignore' });
    await waitFor(async () => (await oar().resources.ofNode('node4')).every((r) => r.state === 'Absent'));
    const absent = await both.read();
    expect(absent.incremental).toEqual(absent.full);
    // Event format 2: the change is a delta naming each of node4's resources, now Absent.
    const node4Resources = (await oar().resources.ofNode('node4')).map((r) => ({ id: r.id, set: { state: 'Absent' } }));
    expect(absent.incremental).toEqual([{ type: 'node.changed', name: 'node4', resources: node4Resources }]);

    // A new node (set Absent at once, so OAR never starts a job there), then removed.
    const [created] = await oar().resources.create({ node: 'node9', cpu: 9, core: 99, cpuset: 0 }, { as: 'oar' });
    await oar().resources.setState(created, 'Absent', { as: 'oar' });
    await waitFor(async () => (await oar().resources.get(created)).state === 'Absent');
    const added = await both.read();
    expect(added.incremental).toEqual(added.full);
    expect(types(added.incremental)).toEqual(['node.added']);
    await oar().resources.setState(created, 'Dead', { as: 'oar' });
    await waitFor(async () => (await oar().resources.get(created)).state === 'Dead');
    await oar().resources.delete(created, { as: 'oar' });
    const removed = await both.read();
    expect(removed.incremental).toEqual(removed.full);
    expect(types(removed.incremental)).toEqual(['node.removed']);

    // OAR's API goes away in the middle of the job; oardel ends it meanwhile; the API comes back.
    execFileSync('bash', [script, 'stop-api'], { stdio: 'ignore' });
    expect(await both.bothFail()).toEqual(['OarUnreachableError', 'OarUnreachableError']);
    asAlice(`oardel ${id}`);
    const ended = async () => ['Error', 'Terminated'].includes(await execState(id));
    await waitFor(ended, { describe: `job ${id} ended` });
    execFileSync('bash', [script, 'start-api'], { stdio: 'ignore' });
    // OAR drops an ended job's predicted start at its next scheduling pass, seconds after oarstat
    // shows it ended: both readers must read the job after that (in one CI run the full reader read
    // it just before, the incremental one just after, and their job.removed differed).
    await waitFor(async () => (await oar().jobs.get(id, { as: 'oar' })).scheduledStart === undefined, {
      describe: `job ${id}'s predicted start dropped by OAR`,
    });
    const back = await both.read();
    expect(back.incremental).toEqual(back.full);
    const removal = back.incremental.find((e) => e.type === 'job.removed') as { job: Job } | undefined;
    expect(removal?.job).toEqual(expect.objectContaining({ id, state: 'Error' }));
    expect(types(back.incremental)).toContain('node.changed');
  });

  it('checks itself with a full re-read beside its ticks: counts and corrects what it missed, not what changed meanwhile', async () => {
    const reader = new IncrementalReader(oar());
    const options = { resources: true, refreshMs: 120_000, tickMs: 2000 };
    const before = (await reader.read({ nodes: [], jobs: [] }, options)).state;
    const mark = reader.beginCheck();
    // Seen by the light job list: the full re-read and the incremental reader both see it, not a difference.
    const id = Number(/OAR_JOB_ID=(\d+)/.exec(asAlice("oarsub -l /nodes=1/core=1,walltime=00:05:00 'sleep 300'"))![1]);
    // Not in any light list: a property of node4's two resources, which only a full read sees.
    execFileSync('oarnodesetting', ['-h', 'node4', '-p', 'besteffort=NO'], { stdio: 'ignore' });
    try {
      // As the poller reads: the rows the reader already holds as they are stand for the ones read.
      const full = await new FullReader(oar(), { chunked: true }).readRows(before, undefined, reader.known);
      const { reading, differences } = await reader.finishCheck(before, full, mark, options);
      expect(differences).toBe(2);
      const events = diffCluster(before, reading.state, reading.finals);
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'job.added', job: expect.objectContaining({ id }) }),
      );
      const node4 = reading.state.nodes.find((node) => node.name === 'node4')!;
      expect(node4.resources.map((r) => r.besteffort)).toEqual([false, false]);
      // Event format 2: the correction is a delta naming each of node4's resources.
      expect(events).toContainEqual({
        type: 'node.changed',
        name: 'node4',
        resources: node4.resources.map((r) => ({ id: r.id, set: { besteffort: false } })),
      });
      // Corrected: the next check finds nothing.
      const again = reader.beginCheck();
      const fullAgain = await new FullReader(oar(), { chunked: true }).readRows(reading.state, undefined, reader.known);
      expect(fullAgain.jobs.find((job) => job.id === id)).toBe(reading.state.jobs.find((job) => job.id === id));
      expect((await reader.finishCheck(reading.state, fullAgain, again, options)).differences).toBe(0);
    } finally {
      execFileSync('oarnodesetting', ['-h', 'node4', '-p', 'besteffort=YES'], { stdio: 'ignore' });
      asAlice(`oardel ${id}`);
    }
  });
});

/** The job's state from oarstat (the API is down). */
async function execState(id: number): Promise<string> {
  const out = execFileSync('oarstat', ['-s', '-j', String(id)], { encoding: 'utf8' });
  return /:\s*(\w+)/.exec(out)?.[1] ?? '';
}
