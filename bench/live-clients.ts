/**
 * Child process of bench/live.bench.ts: many `/live` subscribers speaking Engine.IO/Socket.IO over a
 * bare WebSocket. They note the arrival time of each `changes` message and read only its seq, so the
 * measured latency is the server's fan-out, not 1,000 JSON decodes queued in one client event loop.
 * Messages from the parent: {connect: {url, count, since?, inflateEvery?}} (no since: each gets a
 * snapshot; with inflateEvery, only every that many sockets inflate theirs, see skipInflating),
 * {report: seq} → {arrivals, cpu: this process's CPU usage so far (to tell whether the subscribers'
 * side limits the latency)}, {snapshots: true} → {timings: for each socket that got a snapshot since
 * the last connect, from opening it to the snapshot's last byte read and (sockets that inflate it)
 * to the whole message, cpu},
 * {close: true}.
 */
import type { Socket } from 'node:net';
import { constants, inflateRawSync } from 'node:zlib';
import WebSocket from 'ws';

const sockets: WebSocket[] = [];
const arrivals = new Map<number, number[]>();
const timings: { lastByte: number; message?: number }[] = [];
const now = () => performance.timeOrigin + performance.now();

type Decompress = (data: Buffer, fin: boolean, callback: (err: Error | null, data?: Buffer) => void) => void;
/** Compressed bytes inflated to tell what a message is: its first packet name. */
const HEAD_BYTES = 256;

/**
 * Makes a socket read compressed messages without inflating them, but for their first bytes (which
 * name the packet): 500 wall displays inflate their 2.4 MB snapshots on 500 machines, and two
 * processes inflating them all (1.2 GB) on the server's two cores starved the server they measure.
 * Only the server compresses, and only whole messages (one frame each, fin), which ws hands to
 * decompress whole; the message is then its head, and its arrival time is its last byte's.
 * ws has no option to leave messages compressed: its negotiated extension's method is replaced.
 */
function skipInflating(ws: WebSocket): void {
  const extensions = (ws as unknown as { _extensions: Record<string, { decompress: Decompress }> })._extensions;
  extensions['permessage-deflate'].decompress = (data, _fin, callback) => {
    const head = inflateRawSync(data.subarray(0, HEAD_BYTES), { finishFlush: constants.Z_SYNC_FLUSH });
    // ws's receiver expects the answer later, as zlib gives it.
    process.nextTick(callback, null, head);
  };
}

function connect(url: string, since: number | undefined, inflates: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const opened = now();
    // Only the seq is read, so the 295 KB of each copy need no UTF-8 check.
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      skipUTF8Validation: true,
    });
    sockets.push(ws);
    ws.on('error', reject);
    /**
     * When the socket last read bytes: nothing else is sent while a snapshot arrives, so at its
     * message this is its last byte's arrival, before this process inflates and joins it. Watched
     * from 'open' on: ws has its own reader on the socket by then (a reader added at 'upgrade'
     * could take the first frames from it).
     */
    let lastRead = opened;
    ws.once('open', () => {
      (ws as unknown as { _socket: Socket })._socket.on('data', () => (lastRead = now()));
      if (!inflates) skipInflating(ws);
    });
    ws.on('message', (data: Buffer) => {
      const at = now();
      const head = data.toString('latin1', 0, 64);
      if (head.startsWith('42/live,["changes"')) {
        const seq = Number(/"seq":(\d+)/.exec(head)![1]);
        const list = arrivals.get(seq) ?? [];
        list.push(at);
        arrivals.set(seq, list);
      } else if (head.startsWith('42/live,["snapshot"'))
        timings.push({ lastByte: lastRead - opened, ...(inflates && { message: at - opened }) });
      else if (head === '2') ws.send('3');
      else if (head.startsWith('0{')) ws.send(`40/live,${JSON.stringify({ since })}`);
      else if (head.startsWith('40/live,')) resolve();
      else if (head.startsWith('44/live,')) reject(new Error(data.toString()));
    });
  });
}

process.on(
  'message',
  (message: {
    connect?: { url: string; count: number; since?: number; inflateEvery?: number };
    report?: number;
    snapshots?: true;
    close?: true;
  }) => {
    const reply = (value: object) => process.send!(value);
    if (message.connect) {
      const { url, count, since, inflateEvery = 1 } = message.connect;
      timings.length = 0;
      void Promise.all(Array.from({ length: count }, (_, i) => connect(url, since, i % inflateEvery === 0))).then(
        () => reply({ connected: sockets.length }),
        (err: Error) => reply({ error: err.message }),
      );
    } else if (message.report !== undefined) {
      reply({ arrivals: arrivals.get(message.report) ?? [], cpu: process.cpuUsage() });
    } else if (message.snapshots) {
      reply({ timings, cpu: process.cpuUsage() });
    } else if (message.close) {
      for (const ws of sockets.splice(0)) ws.terminate();
      arrivals.clear();
      reply({ closed: true });
    }
  },
);
