'use strict';
/**
 * The operations bench's load generator, in a worker thread of its own: its event loop only sends
 * requests and times answers, so the OAR simulator, the mutation meter and the live subscriber that
 * share the bench process cannot delay a request or its timing. Plain JavaScript: a worker thread
 * cannot load a .ts entry point.
 *
 * Message in: { url, bearer, bodies } → message out: [{ status, id, ms }] in the order of bodies,
 * all sent at once on one keep-alive agent (kept between bursts, like a client's connections).
 */
const http = require('node:http');
const { Buffer } = require('node:buffer');
const { performance } = require('node:perf_hooks');
const { parentPort } = require('node:worker_threads');

const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });

/** POST /api/jobs; resolves to the status, the operation id and the time to the whole answer. */
function submit(url, bearer, body) {
  const data = JSON.stringify(body);
  const sent = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/api/jobs`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(data),
          authorization: `Bearer ${bearer}`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          const ms = performance.now() - sent;
          resolve({ status: res.statusCode, id: JSON.parse(text).operation?.id ?? '', ms });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

parentPort.on('message', ({ url, bearer, bodies }) => {
  Promise.all(bodies.map((body) => submit(url, bearer, body))).then(
    (answers) => parentPort.postMessage({ answers }),
    (err) => parentPort.postMessage({ error: String(err) }),
  );
});
