/**
 * A student trained with each batch split over threads (dataParallel.ts, trainingPeers.ts) against the
 * same student on one thread, up to float32's summation order: DASK's terms and gradients (its distance
 * and angle terms relate rows that different threads compute), with shards of unequal size too, and
 * the weights after steps of cross-entropy (DASK's relational terms over 8 rows amplify float32's
 * rounding within a few steps, in PyTorch as much: parity.test.ts). The PyTorch parity test checks the
 * threaded trajectory against PyTorch too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32, randomGaussian } from '../../main/random.ts';
import { StudioError } from '../../main/shared/errors.ts';
import { selectBackend } from '../../main/train/backend.ts';
import { shardRange } from '../../main/train/dataParallel.ts';
import type { TrainJob } from '../../main/train/job.ts';
import { defaultJob, detachedStudentJob } from '../../main/train/runs.ts';
import { makeOptimiser } from '../../main/train/schedule.ts';
import { stepGradients, trainStep } from '../../main/train/step.ts';
import { studentTraining, type StudentTrainingData } from '../../main/train/studentTraining.ts';
import { encodeCheckpoint } from '../../main/train/checkpoint.ts';
import { threadedStudentTraining, TrainingPeers, withPeers } from '../../main/train/trainingPeers.ts';

const ROWS = 24;
const CLASSES = 5;
const SIZE = 16;
const BATCH = 8;
const STEPS = 5;

const job = detachedStudentJob({
  method: 'dask',
  seed: 5,
  batchSize: BATCH,
  epochs: 1,
  optimiser: { optimiser: 'adam', learningRate: 1e-3, weightDecay: 5e-3, schedule: 'constant' },
  student: { ...defaultJob.student, width: 0.125, gafSize: SIZE },
});

function gaussian(count: number, seed: number): Float32Array<ArrayBuffer> {
  const rng = mulberry32(seed);
  return Float32Array.from({ length: count }, () => randomGaussian(rng));
}

/** Images, labels and a teacher's outputs for DASK (a fresh copy each call: the threads keep theirs). */
function trainingData(): StudentTrainingData {
  return {
    classes: CLASSES,
    signals: [],
    images: gaussian(ROWS * SIZE * SIZE * 3, 1),
    labels: Int32Array.from({ length: ROWS }, (_, k) => k % CLASSES),
    teacher: {
      rows: ROWS,
      classes: CLASSES,
      featureSize: 32,
      logits: gaussian(ROWS * CLASSES, 2),
      features: gaussian(ROWS * 32, 3),
      mapShape: [],
      maps: new Float32Array(0),
    },
  };
}

const jobOf = (method: TrainJob['method']): TrainJob => ({ ...job, method });
/**
 * Step k's rows. Some batches sit on one of float32's knife-edges (a ReLU input within rounding of
 * zero): one thread taking rows 0, 5, 10, … in reverse order moves a gradient by 22% of its tensor's
 * largest value. These rows are not on one (checked the same way); another case would need checking.
 */
const rowsOf = (step: number) => Array.from({ length: BATCH }, (_, k) => (step * BATCH + 3 * k) % ROWS);

/** The first step's loss terms and every trainable weight's gradient, on `threads` threads. */
async function firstStep(method: TrainJob['method'], threads: number): Promise<{ terms: Record<string, number>; grads: Float32Array[] }> {
  const training = await threadedStudentTraining(jobOf(method), 'wasm', trainingData(), threads);
  try {
    const variables = [...training.model.trainableVariables, ...training.extraVariables];
    const { value, outputs, grads } = stepGradients(() => training.forwardLoss(rowsOf(0)), variables, 0, training.reduceGradients);
    const terms = Object.fromEntries(Object.entries(outputs.terms).map(([name, t]) => [name, t.dataSync()[0]]));
    const perVariable = variables.map((v) => grads[v.name].dataSync() as Float32Array);
    tf.dispose([value, outputs.logits, ...Object.values(outputs.terms), ...Object.values(grads)]);
    return { terms, grads: perVariable };
  } finally {
    training.dispose();
  }
}

/** Every weight after STEPS steps of cross-entropy on `threads` threads. */
async function trajectory(threads: number): Promise<Float32Array> {
  const training = await threadedStudentTraining(jobOf('baseline'), 'wasm', trainingData(), threads);
  const optimiser = makeOptimiser(job.optimiser);
  try {
    training.startEpoch(1);
    for (let step = 0; step < STEPS; step++) {
      const { value, outputs } = trainStep(
        () => training.forwardLoss(rowsOf(step)),
        training.model.trainableVariables,
        optimiser,
        job.optimiser.weightDecay,
        training.reduceGradients,
      );
      tf.dispose([value, outputs.logits, ...Object.values(outputs.terms)]);
    }
    const weights = await training.model.getWeights();
    return Float32Array.from(Object.values(weights).flatMap((w) => [...w.data]));
  } finally {
    optimiser.dispose();
    training.dispose();
  }
}

describe('training on several threads', () => {
  it('splits a batch into contiguous shards that differ by at most one row', () => {
    for (const [rows, world] of [
      [8, 2],
      [8, 3],
      [5, 4],
      [2, 2],
    ]) {
      const shards = Array.from({ length: world }, (_, rank) => shardRange(rows, rank, world));
      assert.equal(shards[0].start, 0);
      shards.forEach((s, r) => r > 0 && assert.equal(s.start, shards[r - 1].start + shards[r - 1].count, `${rows} over ${world}: contiguous`));
      assert.equal(
        shards.reduce((n, s) => n + s.count, 0),
        rows,
      );
      assert.ok(Math.max(...shards.map((s) => s.count)) - Math.min(...shards.map((s) => s.count)) <= 1);
    }
  });

  it("computes one thread's DASK terms and gradients on two and on three threads (unequal shards)", { timeout: 180_000 }, async () => {
    await selectBackend('wasm', () => undefined);
    const one = await firstStep('dask', 1);
    for (const threads of [2, 3]) {
      const many = await firstStep('dask', threads);
      for (const [name, value] of Object.entries(one.terms)) {
        assert.ok(
          Math.abs(many.terms[name] - value) <= 1e-5 * Math.max(1, Math.abs(value)),
          `${threads} threads, ${name}: ${many.terms[name]} against ${value}`,
        );
      }
      // relative to each tensor's largest gradient, as the PyTorch parity test compares
      one.grads.forEach((expected, v) => {
        const scale = expected.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
        const worst = expected.reduce((m, g, k) => Math.max(m, Math.abs(many.grads[v][k] - g)), 0);
        assert.ok(worst <= 2e-4 * scale, `${threads} threads, gradient ${v}: off by ${worst} of ${scale}`);
      });
    }
  });

  it("takes one thread's training steps on two threads, to float32's summation order", { timeout: 180_000 }, async () => {
    await selectBackend('wasm', () => undefined);
    const one = await trajectory(1);
    const two = await trajectory(2);
    // a few weights move further: those whose gradient and weight decay nearly cancel, where Adam's
    // first steps take the sign of rounding (one thread with each batch's rows reversed moves 41 of
    // them past 1e-5, by up to 1.4e-3); a wrong statistic, sum or decay would move most weights
    const moved = one.filter((w, k) => Math.abs(two[k] - w) > 1e-5 * Math.max(1, Math.abs(w))).length;
    assert.ok(moved <= 1e-3 * one.length, `${moved} of ${one.length} weights differ by more than 1e-5 after ${STEPS} steps`);
    // the threads did split the work: not one thread's numbers to the bit
    assert.ok(
      one.some((w, k) => two[k] !== w),
      'the same weights to the bit',
    );
  });

  it("reports a thread's failure in the middle of a step as that thread's one-line error", { timeout: 60_000 }, async () => {
    await selectBackend('wasm', () => undefined);
    const dask = jobOf('dask');
    const shard = TrainingPeers.shard(2);
    const leader = studentTraining(dask, trainingData(), shard);
    const state = encodeCheckpoint({ weights: await leader.model.getWeights(), optimiser: {}, state: {} });
    // the second thread lacks the teacher's outputs: its loss fails after the forward pass's exchanges
    const training = withPeers(leader, await TrainingPeers.start(dask, 'wasm', shard, { ...trainingData(), teacher: null }, state));
    try {
      const variables = [...training.model.trainableVariables, ...training.extraVariables];
      let error: unknown;
      try {
        stepGradients(() => training.forwardLoss(rowsOf(0)), variables, 0, training.reduceGradients);
      } catch (err) {
        error = training.explain!(err);
      }
      assert.ok(error instanceof StudioError, String(error));
      assert.match(error.message, /^training thread 2: .*teacher/);
      assert.doesNotMatch(error.message, /\n/);
    } finally {
      training.dispose();
    }
  });

  it('reports a thread that cannot start in one line, and leaves no thread behind', { timeout: 60_000 }, async () => {
    const shard = TrainingPeers.shard(2);
    await assert.rejects(TrainingPeers.start(job, 'wasm', shard, trainingData(), new Uint8Array([1, 2, 3])), (err: unknown) => {
      assert.ok(err instanceof StudioError, String(err));
      assert.match(err.message, /^training thread 2: the first thread state: /);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  });
});
