'use strict';
/**
 * Runs the real-scale benches' OAR commands (oarsub, oardel, oarstat, oarnodesetting) in a small
 * process of its own: spawning a child from the bench process, whose heap holds oar-live's 25,000
 * resources, blocked its event loop for 50-150 ms each time, and oar-live's loop is measured there.
 * Plain JavaScript, forked once. Message in: { id, file, args, cwd }; out: { id, stdout } or { id, error }.
 */
const { execFile } = require('node:child_process');

process.on('message', ({ id, file, args, cwd }) => {
  execFile(file, args, { cwd, encoding: 'utf8' }, (err, stdout, stderr) =>
    process.send(err ? { id, error: `${err.message}\n${stderr}` } : { id, stdout }),
  );
});
process.on('disconnect', () => process.exit(0));
