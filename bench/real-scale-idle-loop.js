'use strict';
/**
 * The host's floor for the real-scale benches' event-loop measure: a Node process doing nothing,
 * measured like oar-live over the same stretch, at the same 1 ms resolution. On the shared, loaded
 * host a process waits for a core even when its loop is idle, and that wait counts as a block in
 * oar-live's measure too.
 * Message out: 'ready' once measuring; message in: 'stop' → out: { maxMs } (longest delay).
 */
const { monitorEventLoopDelay } = require('node:perf_hooks');

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
process.send('ready');
process.on('message', () => {
  loop.disable();
  process.send({ maxMs: loop.max / 1e6 }, () => process.exit(0));
});
