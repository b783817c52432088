/**
 * The studio's side of train_reference.py: the same recipe through the trainer's own parts (the
 * model, trainStep, the optimiser and its schedule, the epoch order, predictStudent) on a dataset
 * exported by `vskd export-dataset`, printing the test accuracy of every epoch for diagnosis.
 *
 *   npx tsx test/reference/train_studio.ts DIR --seed 1 [--epochs 30 --batch 16 --width 0.25 --backend wasm]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { decodeNpy } from '../../main/formats/npy.ts';
import { selectBackend } from '../../main/train/backend.ts';
import { batchesOf, epochRng, shuffledOrder } from '../../main/train/epochOrder.ts';
import type { BackendChoice } from '../../main/shared/trainSettings.ts';
import type { OptimiserSettings } from '../../main/train/job.ts';
import { distillationLoss } from '../../main/train/losses/registry.ts';
import { argmaxRows } from '../../main/train/metrics.ts';
import { ResNet18 } from '../../main/train/models/resnet.ts';
import { predictStudent } from '../../main/train/predict.ts';
import { disposeSet, pairedBatch, residentSet } from '../../main/train/residentSet.ts';
import { learningRateAt, makeOptimiser, setLearningRate } from '../../main/train/schedule.ts';
import { trainStep } from '../../main/train/step.ts';
import { studentLoss } from '../../main/train/studentTraining.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string', default: '1' },
    epochs: { type: 'string', default: '30' },
    batch: { type: 'string', default: '16' },
    width: { type: 'string', default: '0.25' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const dir = positionals[0];
const [seed, epochs, batchSize, width] = [values.seed, values.epochs, values.batch, values.width].map(Number);

/** [N, 3, S, S] GAF images of an export → the studio's NHWC, with their labels. */
function split(name: string): { images: Float32Array; labels: Int32Array; size: number } {
  const gaf = decodeNpy(readFileSync(join(dir, name, 'gaf.npy')));
  const labels = decodeNpy(readFileSync(join(dir, name, 'labels.npy')));
  const [n, c, s] = gaf.shape;
  const chw = gaf.data as Float32Array;
  const images = new Float32Array(chw.length);
  for (let i = 0; i < n; i++) for (let p = 0; p < s * s; p++) for (let k = 0; k < c; k++) images[(i * s * s + p) * c + k] = chw[(i * c + k) * s * s + p];
  return { images, labels: Int32Array.from(labels.data as ArrayLike<number | bigint>, Number), size: s };
}

await selectBackend(values.backend as BackendChoice, () => undefined);
const train = split('train');
const test = split('test');
const classes = Math.max(...train.labels) + 1;
const settings: OptimiserSettings = { optimiser: 'adam', learningRate: 1e-3, weightDecay: 1e-5, schedule: 'cosine' };
const model = new ResNet18({ classes, inputSize: train.size, width, seed });
const optimiser = makeOptimiser(settings);
const lossFn = distillationLoss('baseline');
const resident = residentSet(train.images, train.size, train.labels, null, false);
const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  setLearningRate(optimiser, learningRateAt(settings, epoch, epochs));
  const order = shuffledOrder(train.labels.length, epochRng(seed, epoch, 0));
  let [total, correct] = [0, 0];
  for (const rows of batchesOf(order, batchSize).filter((b) => b.length > 1)) {
    const { value, outputs } = trainStep(
      () => studentLoss(model, lossFn, pairedBatch(resident, rows)),
      model.trainableVariables,
      optimiser,
      settings.weightDecay,
    );
    total += (await value.data())[0] * rows.length;
    const predicted = argmaxRows(await outputs.logits.data(), rows.length, classes);
    rows.forEach((r, i) => (correct += predicted[i] === train.labels[r] ? 1 : 0));
    tf.dispose([value, outputs.logits, ...Object.values(outputs.terms)]);
  }
  const p = await predictStudent(model, test.images, test.labels.length, 64);
  const predicted = argmaxRows(p.logits, p.rows, p.classes);
  const accuracy = predicted.reduce((n, c, i) => n + (c === test.labels[i] ? 1 : 0), 0) / test.labels.length;
  const n = train.labels.length;
  console.log(
    `epoch ${epoch} ce ${(total / n).toFixed(4)} train ${(correct / n).toFixed(4)} test ${accuracy.toFixed(4)} ${((performance.now() - started) / 1000).toFixed(0)}s`,
  );
}
disposeSet(resident);
