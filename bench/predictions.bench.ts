/**
 * How far OAR's predicted starts are from the real ones on a simulated workload, recorded the way
 * oar-live's PredictionRecorder does (the first `scheduledStart` seen while a job waits, then its
 * real `startedAt`) and summarised by the same pure function as GET /api/predictions. oar-sim plans
 * like OAR 2.5.9 (walltime + security time; test/contract checks it against the real sandbox), and its
 * workload's jobs often end before their walltime, as real ones do: the errors come from that.
 * 16 nodes × 4 cores, a seeded workload, 60 simulated seconds per real second, read every real second.
 */
import { OarClient } from '@oar-live/oar-client';
import { startOarSim } from '@oar-live/oar-sim';
import { predictionAccuracy } from '@oar-live/shared';

const TIME_FACTOR = 60;
const REAL_SECONDS = 90;

export async function run(): Promise<object> {
  const sim = await startOarSim({
    host: '127.0.0.1',
    nodes: 16,
    coresPerNode: 4,
    timeFactor: TIME_FACTOR,
    workload: { seed: 18, jobsPerMinute: 1.5, initialJobs: 40 },
  });
  const oar = new OarClient({ baseUrl: sim.url, auth: 'ident' });
  const firstPrediction = new Map<number, number>();
  const realStart = new Map<number, number>();
  try {
    for (const end = Date.now() + REAL_SECONDS * 1000; Date.now() < end;) {
      for (const job of await oar.jobs.details()) {
        if (job.state === 'Waiting' && job.scheduledStart && !firstPrediction.has(job.id))
          firstPrediction.set(job.id, Date.parse(job.scheduledStart));
        if (job.startedAt && firstPrediction.has(job.id) && !realStart.has(job.id))
          realStart.set(job.id, Date.parse(job.startedAt));
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    await sim.stop();
  }
  const errors = [...realStart].map(([id, start]) => Math.round((start - firstPrediction.get(id)!) / 1000));
  return {
    simulatedMinutes: (REAL_SECONDS * TIME_FACTOR) / 60,
    readEverySimulatedSeconds: TIME_FACTOR,
    predictedJobs: firstPrediction.size,
    ...predictionAccuracy(errors, firstPrediction.size - errors.length),
  };
}
