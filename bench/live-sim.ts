/**
 * Child process of bench/live.bench.ts: oar-sim in its own process, so the simulator's work (rendering
 * 25,000 resources) is not counted as oar-live's event-loop time. Messages: {start: OarSimOptions} →
 * {url}; {count: true} → {count}; {stop: true} → {stopped: true}.
 */
import { startOarSim, type OarSim, type OarSimOptions } from '@oar-live/oar-sim';

let sim: OarSim | undefined;

process.on('message', (message: { start?: OarSimOptions; count?: true; stop?: true }) => {
  const reply = (value: object) => process.send!(value);
  if (message.start) {
    void startOarSim({ host: '127.0.0.1', port: 0, ...message.start }).then((started) => {
      sim = started;
      reply({ url: started.url });
    });
  } else if (message.count) {
    reply({ count: sim!.requestCount() });
  } else if (message.stop) {
    void sim!.stop().then(() => reply({ stopped: true }));
  }
});
