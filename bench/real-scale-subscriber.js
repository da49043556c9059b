'use strict';
/**
 * The real-scale benches' Socket.IO subscriber, in a worker thread of its own: parsing a 25,000-
 * resource snapshot takes seconds on the shared host, and in the bench's thread it would count as
 * oar-live's event-loop block (the server under test shares that thread). Plain JavaScript: a worker
 * thread cannot load a .ts entry point.
 *
 * workerData: { url }. Messages out: { kind: 'snapshot', at, jobs } for each snapshot (jobs: how many),
 * { kind: 'events', at, events: [{ type, id }] } for each batch's job events (at: Date.now() on receipt).
 */
const { parentPort, workerData } = require('node:worker_threads');
const { io } = require('socket.io-client');

const socket = io(`${workerData.url}/live`, { transports: ['websocket'], reconnection: false });
socket.on('snapshot', (snapshot) =>
  parentPort.postMessage({ kind: 'snapshot', at: Date.now(), jobs: snapshot.jobs.length }),
);
socket.on('changes', (batch) => {
  const at = Date.now();
  const events = [];
  for (const event of batch.events) {
    if (!event.type.startsWith('job.')) continue;
    events.push({ type: event.type, id: 'id' in event ? event.id : event.job.id });
  }
  parentPort.postMessage({ kind: 'events', at, events });
});
parentPort.on('message', () => socket.close());
