/**
 * A peer thread of a student run on several threads (trainingPeers.ts starts it; in the Electron build
 * it is bundled as out/main/trainPeer.js): its own backend, the same model, data and optimiser state
 * as the run's first thread, and its shard of every step. It stores nothing: the first thread does,
 * and ends this thread when the run ends.
 */
import { workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { toStudioError } from '../shared/errors.ts';
import { selectBackend } from './backend.ts';
import { decodeCheckpoint, restoreOptimiser } from './checkpoint.ts';
import { Collective, CollectiveAborted } from './collective.ts';
import { learningRateAt, makeOptimiser, setLearningRate } from './schedule.ts';
import { trainStep } from './step.ts';
import { studentTraining } from './studentTraining.ts';
import type { PeerCommand, PeerReport, PeerStart } from './trainingPeers.ts';

const { job, backend, rank, buffers, data, state, port } = workerData as PeerStart;
const report = (message: PeerReport) => port.postMessage(message);
const collective = new Collective(buffers, rank);

try {
  await selectBackend(backend, () => undefined);
  const training = studentTraining(job, data, { rank, world: buffers.world, collective });
  const start = decodeCheckpoint(state, 'the first thread state');
  training.model.setWeights(start.weights);
  const optimiser = makeOptimiser(job.optimiser);
  if (Object.keys(start.optimiser).length > 0) await restoreOptimiser(optimiser, start.optimiser);
  const variables = [...training.model.trainableVariables, ...training.extraVariables];
  port.on('message', (command: PeerCommand) => {
    try {
      if (command.type === 'epoch') {
        setLearningRate(optimiser, learningRateAt(job.optimiser, command.epoch, job.epochs));
        training.startEpoch(command.epoch);
      } else {
        const { value, outputs } = trainStep(
          () => training.forwardLoss(command.rows),
          variables,
          optimiser,
          job.optimiser.weightDecay,
          training.reduceGradients,
        );
        tf.dispose([value, outputs.logits, ...Object.values(outputs.terms)]);
      }
    } catch (err) {
      fail(err);
    }
  });
  report({ type: 'ready' });
} catch (err) {
  fail(err);
}

/**
 * Ends this thread's part: the others hear of it at their next collective call, the first thread also
 * why (told first: it reads the report as soon as the abort wakes it).
 */
function fail(err: unknown): void {
  if (!(err instanceof CollectiveAborted)) {
    const error = toStudioError(err).toJSON();
    report({ type: 'error', error: { ...error, message: `training thread ${rank + 1}: ${error.message}` } });
    collective.abort();
  }
  port.close();
}
