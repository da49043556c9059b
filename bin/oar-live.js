#!/usr/bin/env node
/**
 * `npx oar-live watch [--since N [--epoch E]] [--url U] [--token T]`: prints the live feed as NDJSON, one
 * line per message ({"snapshot":…} first, unless --since replays the missed batches; then one batch per
 * line; another {"snapshot":…} whenever the server restarted its history).
 * Plain JavaScript so it runs straight from a checkout or an install, with no build step.
 * On reconnect it resumes after the last seq it printed, so no batch is lost or repeated.
 */
const { parseArgs } = require('node:util');
const { URL } = require('node:url');
const { io } = require('socket.io-client');

const USAGE = 'usage: oar-live watch [--since N [--epoch E]] [--url http://127.0.0.1:8080] [--token TOKEN]';

function fail(message) {
  process.stderr.write(`oar-live: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parse(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        since: { type: 'string' },
        epoch: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    fail(err.message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (positionals.length !== 1 || positionals[0] !== 'watch') fail('the only command is "watch"');
  if (values.since !== undefined && !/^\d+$/.test(values.since))
    fail(`--since must be a non-negative integer (got "${values.since}")`);
  if (values.epoch !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(values.epoch))
    fail(`--epoch must be the epoch of a snapshot or batch printed before (got "${values.epoch}")`);
  const url = values.url ?? process.env.OAR_LIVE_URL ?? 'http://127.0.0.1:8080';
  try {
    new URL(url);
  } catch {
    fail(`--url must be an http(s) URL (got "${url}")`);
  }
  return {
    url: url.replace(/\/$/, ''),
    since: values.since === undefined ? undefined : Number(values.since),
    epoch: values.epoch,
    token: values.token,
  };
}

function watch({ url, since, epoch, token }) {
  let last = { seq: since, epoch };
  const socket = io(`${url}/live`, {
    transports: ['websocket'],
    // A function, so every reconnection resumes after the last batch printed, in its history.
    auth: (send) => send({ token, since: last.seq, epoch: last.epoch }),
  });
  const print = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
  socket.on('snapshot', (snapshot) => {
    last = snapshot;
    print({ snapshot });
  });
  socket.on('changes', (batch) => {
    // A batch of another history than the one printed means a gap: ask for a fresh snapshot.
    if (last.epoch && batch.epoch !== last.epoch) {
      last = {};
      return void socket.disconnect().connect();
    }
    last = batch;
    print(batch);
  });
  // The server hung up (it could not resume this socket): the client does not reconnect by itself then.
  socket.on('disconnect', (reason) => reason === 'io server disconnect' && socket.connect());
  socket.on('connect_error', (err) => {
    process.stderr.write(`oar-live: cannot connect to ${url}/live: ${err.message}\n`);
    if (!socket.active) process.exit(1);
  });
  const quit = () => (socket.close(), process.exit(0));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, quit);
  // The reader went away (`watch | head -2`): that is the end of the watch, not an error.
  process.stdout.on('error', (err) => (err.code === 'EPIPE' ? quit() : fail(`cannot write: ${err.message}`)));
}

watch(parse(process.argv.slice(2)));
