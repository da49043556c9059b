#!/usr/bin/env node
'use strict';
/**
 * `npm start`: oar-live on http://127.0.0.1:8080 from a fresh clone with nothing configured.
 *
 * Installs (npm ci) and builds (npm run build) what is missing or stale, checks the configuration,
 * finds a Redis (REDIS_URL if reachable, else redis://127.0.0.1:6379 if reachable, else a private
 * redis-server it starts with AOF under .data/ and stops on exit), then runs the API, which serves
 * the web app and, without OAR_API_URL, an embedded OAR simulator with a live workload.
 * Ctrl-C / SIGTERM stops everything it started within 5 s and exits 0.
 *
 * Plain Node with no dependencies, by necessity: it runs before anything is installed or built.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { setInterval, setTimeout, clearTimeout } = require('node:timers');
const { URL } = require('node:url');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_LOCAL_REDIS_PORT = 6379;
/** The API's own shutdown is bounded at 3 s (apps/api/src/app-setup.ts); then Redis gets 1 s. */
const STOP_APP_MS = 3500;
const STOP_REDIS_MS = 1000;
const REDIS_READY_MS = 15000;

/** What the build writes; any missing one means "build". */
const BUILD_OUTPUTS = [
  'apps/api/dist/main.js',
  'apps/web/dist/index.html',
  'libs/oar-client/dist/index.js',
  'libs/shared/dist/index.js',
  'libs/oar-sim/dist/index.js',
];
/** Written after each build this script runs. */
const BUILD_STAMP = 'apps/api/dist/.oar-live-build-stamp';
const SOURCE_DIRS = ['libs', 'apps'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'tsconfig.base.json', 'tsconfig.json'];

/** Everything started so far, stopped in reverse order on exit. */
const running = [];
let stopping = false;

function say(message) {
  process.stdout.write(`[oar-live start] ${message}\n`);
}

function fail(message, code = 1) {
  process.stderr.write(`${message}\n`);
  return stopAll().then(() => process.exit(code));
}

/** Runs a command to completion with the terminal attached; rejects unless it exits 0. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    const entry = { name: `${command} ${args.join(' ')}`, stop: () => stopChild(child, STOP_APP_MS) };
    running.push(entry);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      running.splice(running.indexOf(entry), 1);
      if (code === 0) resolve();
      else reject(new Error(`${entry.name} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

function newestMtime(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return /\.spec\.ts$|\.tsbuildinfo$/.test(target) ? 0 : stat.mtimeMs;
  const base = path.basename(target);
  if (base === 'node_modules' || base === 'dist' || base.startsWith('.')) return 0;
  return Math.max(0, ...fs.readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

function mtimeOf(file) {
  try {
    return fs.statSync(path.join(ROOT, file)).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Current when every output exists and either this script's stamp or every output is newer than
 * every source (the stamp matters because tsc -b leaves the outputs of unchanged projects alone).
 */
function buildIsCurrent() {
  const outputs = BUILD_OUTPUTS.map(mtimeOf);
  if (outputs.includes(0)) return false;
  const builtAt = Math.max(mtimeOf(BUILD_STAMP), Math.min(...outputs));
  const sources = [...SOURCE_DIRS, ...SOURCE_FILES].map((name) => newestMtime(path.join(ROOT, name)));
  return Math.max(...sources) <= builtAt;
}

async function ensureInstalledAndBuilt() {
  if (!fs.existsSync(path.join(ROOT, 'node_modules'))) {
    say('node_modules is missing: npm ci');
    await run('npm', ['ci']);
  }
  if (!buildIsCurrent()) {
    say('build is missing or older than the sources: npm run build');
    await run('npm', ['run', 'build']);
    fs.writeFileSync(path.join(ROOT, BUILD_STAMP), `${new Date().toISOString()}\n`);
  }
}

/** The API's own validation (one line per bad variable), before anything is started. */
function loadConfig() {
  const { loadConfig: parse, ConfigError } = require(path.join(ROOT, 'apps/api/dist/config/app-config.js'));
  try {
    return parse(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { problems: err.problems };
  }
}

/** True when something at `url` answers a Redis PING (or asks for a password) within 1 s. */
function redisAnswers(url) {
  let host;
  let port;
  try {
    const parsed = new URL(url);
    host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    port = Number(parsed.port || 6379);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answered) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (reply) => done(/^(\+PONG|-NOAUTH)/.test(reply.toString())));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM, then SIGKILL if it is still there after `ms`. */
async function stopChild(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await waitForExit(child, ms))) {
    child.kill('SIGKILL');
    await waitForExit(child, 500);
  }
}

async function startPrivateRedis(config) {
  const dir = path.resolve(ROOT, config.OAR_LIVE_DATA_DIR, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const port = config.OAR_LIVE_REDIS_PORT ?? (await freePort());
  const url = `redis://127.0.0.1:${port}`;
  const logfile = path.join(dir, 'redis.log');
  // Own process group: a terminal's Ctrl-C must not stop Redis before the API has shut down on it.
  const child = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--daemonize', 'no'],
      ...['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--logfile', logfile],
    ],
    { cwd: dir, stdio: 'ignore', detached: true },
  );
  const started = await new Promise((resolve) => {
    child.once('error', (err) => resolve(err));
    child.once('spawn', () => resolve(null));
  });
  if (started) {
    if (started.code !== 'ENOENT') throw started;
    return fail(
      [
        'oar-live needs Redis: none is reachable (REDIS_URL is unset or not answering, nothing on 127.0.0.1:6379)',
        'and redis-server is not installed. Install it with:',
        '',
        '    sudo apt-get install redis-server',
        '',
        'then run npm start again (or set REDIS_URL to a Redis you have).',
      ].join('\n'),
    );
  }
  running.push({ name: 'redis-server', stop: () => stopChild(child, STOP_REDIS_MS) });
  if (stopping) return stopChild(child, STOP_REDIS_MS);
  const deadline = Date.now() + REDIS_READY_MS;
  while (!(await redisAnswers(url))) {
    if (stopping) return;
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = fs.existsSync(logfile)
        ? fs.readFileSync(logfile, 'utf8').trim().split('\n').slice(-5).join('\n')
        : '';
      return fail(`redis-server did not start on ${url} (see ${logfile}):\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  say(`started redis-server (pid ${child.pid}) on ${url}, AOF in ${dir}`);
  return url;
}

async function resolveRedis(config) {
  const local = `redis://127.0.0.1:${config.OAR_LIVE_REDIS_PORT ?? DEFAULT_LOCAL_REDIS_PORT}`;
  const configured = process.env.REDIS_URL;
  if (configured) {
    if (await redisAnswers(configured)) return configured;
    say(`REDIS_URL ${configured} is not answering; trying ${local}`);
  }
  if (await redisAnswers(local)) {
    say(`using the Redis on ${local}`);
    return local;
  }
  return startPrivateRedis(config);
}

/** On a terminal, pino's JSON lines made readable; elsewhere (pipes, log collectors) they stay JSON. */
function prettyPrinter() {
  if (!process.stdout.isTTY) return null;
  try {
    return require('pino-pretty')({
      colorize: true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
    });
  } catch {
    return null; // installed without dev dependencies
  }
}

function startApp(redisUrl) {
  const pretty = prettyPrinter();
  const app = spawn(process.execPath, [path.join(ROOT, 'apps/api/dist/main.js')], {
    cwd: ROOT,
    stdio: ['inherit', pretty ? 'pipe' : 'inherit', 'inherit'],
    env: { ...process.env, REDIS_URL: redisUrl },
  });
  if (pretty) app.stdout.pipe(pretty);
  running.push({ name: 'oar-live', stop: () => stopChild(app, STOP_APP_MS) });
  app.once('exit', (code, signal) => {
    if (stopping) return;
    fail(`oar-live stopped (${signal ?? `exit code ${code}`})`, code || 1);
  });
}

async function stopAll() {
  stopping = true;
  while (running.length > 0) await running.pop().stop();
}

function stopOnSignal() {
  if (stopping) return;
  stopAll().then(() => process.exit(0));
}

async function main() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    return fail(`oar-live needs Node 20.19 or newer; this is Node ${process.versions.node}`);
  }
  process.on('SIGINT', stopOnSignal);
  process.on('SIGTERM', stopOnSignal);
  // A shell between npm and this script may die of a signal without passing it on: being
  // re-parented means whoever started us is gone, so stop what we started.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stopOnSignal(), 250).unref();
  await ensureInstalledAndBuilt();
  const config = loadConfig();
  if (config.problems) return fail(config.problems.map((problem) => `invalid configuration: ${problem}`).join('\n'));
  const redisUrl = await resolveRedis(config);
  if (!redisUrl || stopping) return;
  startApp(redisUrl);
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
