/**
 * The host's floor for the real-scale benches' event-loop measure: a Node process doing nothing,
 * measured like oar-live over the same stretch, at the same 1 ms resolution. On the shared, loaded
 * host a process waits for a core even when its loop is idle, and that wait counts as a block in
 * oar-live's measure too.
 * Message out: 'ready' once measuring; message in: 'stop' → out: { maxMs, gapsOver50Ms } (longest
 * delay, and how many of ./block-sampler's gaps exceeded 50 ms).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sampleBlocks } from './block-sampler';

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const sampler = sampleBlocks();
process.send!('ready');
process.on('message', () => {
  loop.disable();
  const { gapsOver50Ms } = sampler.stop();
  process.send!({ maxMs: loop.max / 1e6, gapsOver50Ms }, () => process.exit(0));
});
