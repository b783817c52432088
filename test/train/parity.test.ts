/**
 * Training parity with PyTorch (issue 16): the studio's student, every loss term, the gradients, 20
 * training steps (Adam, L2 weight decay, cosine schedule), the BatchNorm running statistics and the
 * eval-mode logits against the reference in test/reference/ (parity.py), from the same initial
 * weights, the same GAF images (the studio's own), the same batches and the same settings.
 * Skipped, with the reason, where no Python with torch is found ($VSKD_PYTHON, python3, /usr/bin/python3).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { decodeNpy, encodeNpy } from '../../main/formats/npy.ts';
import { mulberry32, randomGaussian } from '../../main/random.ts';
import { gafFromRows } from '../../main/shared/gaf.ts';
import type { TermName, TermWeights } from '../../main/shared/lossMethods.ts';
import { selectBackend } from '../../main/train/backend.ts';
import { batchesOf, epochRng, shuffledOrder } from '../../main/train/epochOrder.ts';
import type { BackendName } from '../../main/shared/trainSettings.ts';
import type { OptimiserSettings } from '../../main/train/job.ts';
import { resolveOptions, weightedLoss } from '../../main/train/losses/combine.ts';
import { createProjection } from '../../main/train/losses/semantic.ts';
import { ResNet18 } from '../../main/train/models/resnet.ts';
import type { WeightMap } from '../../main/train/models/parameters.ts';
import { predictStudent } from '../../main/train/predict.ts';
import { disposeSet, pairedBatch, residentSet, type ResidentSet } from '../../main/train/residentSet.ts';
import { defaultJob, detachedStudentJob } from '../../main/train/runs.ts';
import { learningRateAt, makeOptimiser, setLearningRate } from '../../main/train/schedule.ts';
import { stepGradients, trainStep } from '../../main/train/step.ts';
import { studentLoss } from '../../main/train/studentTraining.ts';
import { threadedStudentTraining } from '../../main/train/trainingPeers.ts';
import { tempDir } from '../helpers/tmp.ts';

const REFERENCE = new URL('../reference/parity.py', import.meta.url).pathname;

/** The first Python that imports torch, or why there is none. */
function findTorchPython(): { python: string } | { reason: string } {
  const candidates = [process.env.VSKD_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => Boolean(p));
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) return { python };
  }
  return { reason: `no Python with torch and numpy among ${candidates.join(', ')} (Debian: apt-get install python3-torch python3-numpy)` };
}

// small enough for two cores: ResNet18 ×0.125 (8…64 channels) on 16×16 GAF images, batches of 8
const CLASSES = 5;
const SIZE = 16;
const WIDTH = 0.125;
const ROWS = 40;
const BATCH = 8;
const EPOCHS = 4; // of ROWS / BATCH = 5 steps: 20 steps, the learning rate changing every 5
const K = 4; // the teacher's time map [K, 1, D]
const TEACHER_MAP = 8;
const TEACHER_FEATURE = 32;
/**
 * A seed whose case meets neither of float32's two ill-conditioned spots, where either framework's
 * rounding decides: a ReLU input within rounding of zero (seed 3 with Glorot's classifier: the
 * gradients below it differ by 0.5%), and a weight whose gradient plus weight decay cancels to within
 * Adam's ε = 1e-8 (one element in about 10⁵ comes that close: its first step may then take any
 * fraction of the learning rate; with this model, seeds 2, 3, 4, 6 and 7 have one). Either then parts
 * the two trajectories: after a change to the model's initialisation, choose another seed. Seed 5 met
 * one at step 13 once BatchNorm summed as PyTorch does (native kernels, nativeKernels.ts), and seeds 9,
 * 11 and 12 on the wasm kernels alone; 8 and 10 meet none with either.
 */
const SEED = 8;
/** a weight decay large enough that L2 against decoupled decay would show within 20 steps */
const OPTIMISER: OptimiserSettings = { optimiser: 'adam', learningRate: 1e-3, weightDecay: 5e-3, schedule: 'cosine' };
/**
 * The 20 steps train the baseline (cross-entropy). Every term and its gradient is compared on the
 * first batch; trained on DASK's relational terms over 8 rows, PyTorch's own float32 and float64
 * trajectories part by 1e-2 within 20 steps, so no framework could be held to a float32 tolerance there.
 */
const TRAINING_WEIGHTS: TermWeights = { crossEntropy: 1 };
const TERMS: TermName[] = ['crossEntropy', 'kd', 'rkdDistance', 'rkdAngle', 'semantic', 'attention', 'similarityPreserving'];

/**
 * Float32 tolerances, |studio − PyTorch| ≤ tol · max(1, |PyTorch|) per value for values, and
 * ≤ tol · max|PyTorch| over each gradient tensor: the two frameworks sum in different orders, which
 * moves float32 results by ~1e-6 relative through a forward pass and by more through a backward one.
 */
const TOLERANCE = { forward: 5e-5, terms: 2e-5, gradients: 2e-4, weights: 1e-4, evalLogits: 3e-4 };

/** Seeded 3-axis accelerometer-like recordings of 60–140 samples, one class per waveform: the studio's GAF of each. */
function gafImages(): { images: Float32Array; labels: Int32Array } {
  const rng = mulberry32(SEED);
  const images = new Float32Array(ROWS * SIZE * SIZE * 3);
  const chw = new Float32Array(3 * SIZE * SIZE);
  const labels = new Int32Array(ROWS);
  for (let n = 0; n < ROWS; n++) {
    const label = n % CLASSES;
    const length = 60 + Math.floor(rng() * 80);
    const rows = new Float64Array(length * 3);
    for (let t = 0; t < length; t++) {
      for (let c = 0; c < 3; c++) rows[t * 3 + c] = Math.sin(((label + 1) * (c + 1) * t) / length + c) + 0.3 * randomGaussian(rng);
    }
    gafFromRows(rows, length, 3, [0, 1, 2], { size: SIZE, method: 'summation' }, chw);
    for (let p = 0; p < SIZE * SIZE; p++) for (let c = 0; c < 3; c++) images[(n * SIZE * SIZE + p) * 3 + c] = chw[c * SIZE * SIZE + p];
    labels[n] = label;
  }
  return { images, labels };
}

function gaussian(count: number, seed: number, scale = 1): Float32Array {
  const rng = mulberry32(seed);
  return Float32Array.from({ length: count }, () => scale * randomGaussian(rng));
}

/** The 20 steps' batches: the trainer's own epoch order. */
function trainingBatches(): number[][] {
  return Array.from({ length: EPOCHS }, (_, e) => batchesOf(shuffledOrder(ROWS, epochRng(SEED, e + 1, 0)), BATCH)).flat();
}

const flat = (map: WeightMap, names: string[]) => {
  const out = new Float32Array(names.reduce((n, name) => n + map[name].data.length, 0));
  let at = 0;
  for (const name of names) {
    out.set(map[name].data, at);
    at += map[name].data.length;
  }
  return out;
};

/** The largest error of `actual` against `expected` in units of the tolerance's scale, and where. */
function worst(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: (k: number) => number): { ratio: number; at: number } {
  assert.equal(actual.length, expected.length, 'lengths');
  let result = { ratio: 0, at: -1 };
  for (let k = 0; k < expected.length; k++) {
    const ratio = Math.abs(actual[k] - expected[k]) / scale(k);
    if (!(ratio <= result.ratio)) result = { ratio, at: k };
  }
  return result;
}

/** The weight that flat index `k` falls in, and the index inside it. */
function locate(segments: Segment[] | undefined, k: number): string {
  if (!segments) return `[${k}]`;
  let at = 0;
  for (const { name, size } of segments) {
    if (k < at + size) return ` ${name}[${k - at}]`;
    at += size;
  }
  return `[${k}]`;
}

interface Segment {
  name: string;
  size: number;
}

function assertValuesClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, segments?: Segment[]): number {
  const { ratio, at } = worst(actual, expected, (k) => Math.max(1, Math.abs(expected[k])));
  assert.ok(ratio <= tol, `${what}${locate(segments, at)}: studio ${actual[at]}, PyTorch ${expected[at]} (relative error ${ratio.toExponential(2)} > ${tol})`);
  return ratio;
}

/**
 * Per weight tensor, errors relative to the tensor's largest PyTorch value, floored at 1e-3 of the
 * largest over all tensors: a gradient that is zero in exact arithmetic (the final bias under a
 * shift-invariant term) is float32 noise in both, and only its size relative to the rest counts.
 */
function assertTensorsClose(what: string, actual: Float32Array, expected: Float32Array, segments: Segment[], tol: number): number {
  const floor = 1e-3 * expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let at = 0;
  let largest = 0;
  for (const { name, size } of segments) {
    const a = actual.subarray(at, at + size);
    const e = expected.subarray(at, at + size);
    const scale = Math.max(
      floor,
      e.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
    );
    const { ratio, at: k } = worst(a, e, () => scale);
    assert.ok(
      ratio <= tol,
      `${what} ${name}[${k}]: studio ${a[k]}, PyTorch ${e[k]} (error ${ratio.toExponential(2)} of the tensor's largest ${scale.toExponential(2)} > ${tol})`,
    );
    largest = Math.max(largest, ratio);
    at += size;
  }
  return largest;
}

const torch = findTorchPython();

/** the backend the studio trains on without a GPU, with our convolution gradient kernels */
const backend: BackendName = 'wasm';

describe(`training parity with PyTorch (${backend})`, { skip: 'reason' in torch ? torch.reason : false }, () => {
  const python = 'python' in torch ? torch.python : '';
  const dir = tempDir('vskd-parity-');
  const [caseDir, outDir] = [join(dir, 'case'), join(dir, 'out')];
  const { images, labels } = gafImages();
  const teacher = { logits: gaussian(ROWS * CLASSES, 11, 2), features: gaussian(ROWS * TEACHER_FEATURE, 12), maps: gaussian(ROWS * K * TEACHER_MAP, 13) };
  const batches = trainingBatches();
  const reference = (file: string) => decodeNpy(readFileSync(join(outDir, file))).data as Float32Array;
  const studio = {} as {
    names: string[];
    trainable: string[];
    segments: Segment[];
    allSegments: Segment[];
    forward: Float32Array;
    maps: Float32Array;
    terms: Record<string, number>;
    grads: Float32Array[];
    lrs: number[];
    steps: Float32Array[];
    threadedSteps: Float32Array[];
    evalLogits: Float32Array;
  };
  const seen: Record<string, number> = {};

  before(async () => {
    await selectBackend(backend, () => undefined);
    const model = new ResNet18({ classes: CLASSES, inputSize: SIZE, width: WIDTH, seed: SEED });
    const projection = createProjection(model.featureSize, TEACHER_FEATURE, SEED);
    const set: ResidentSet = {
      ...residentSet(images, SIZE, labels, null, false),
      teacherLogits: tf.tensor2d(teacher.logits, [ROWS, CLASSES]),
      teacherFeatures: tf.tensor2d(teacher.features, [ROWS, TEACHER_FEATURE]),
      teacherMaps: tf.tensor4d(teacher.maps, [ROWS, K, 1, TEACHER_MAP]),
    };
    const initial = await model.getWeights();
    const names = Object.keys(initial);
    const trainable = names.filter((n) => !/running(Mean|Variance)$/.test(n));
    const variables = [...model.trainableVariables, projection.kernel, projection.bias];
    assert.deepEqual(
      model.trainableVariables.map((v) => v.shape),
      trainable.map((n) => initial[n].shape),
      'trainable variables in weight-map order',
    );
    Object.assign(studio, {
      names,
      trainable,
      allSegments: names.map((name) => ({ name, size: initial[name].data.length })),
      segments: [...trainable, 'projection/kernel', 'projection/bias'].map((name, k) => ({ name, size: variables[k].size })),
    });

    // the case for the reference
    mkdirSync(caseDir, { recursive: true });
    mkdirSync(outDir, { recursive: true });
    const save = (name: string, data: Float32Array | Int32Array, shape: number[]) => writeFileSync(join(caseDir, `${name}.npy`), encodeNpy(data, shape));
    const all = flat(initial, names);
    save('weights', all, [all.length]);
    save('images', images, [ROWS, SIZE, SIZE, 3]);
    save('labels', labels, [ROWS]);
    save('teacher_logits', teacher.logits, [ROWS, CLASSES]);
    save('teacher_features', teacher.features, [ROWS, TEACHER_FEATURE]);
    save('teacher_maps', teacher.maps, [ROWS, K, 1, TEACHER_MAP]);
    save('projection_kernel', (await projection.kernel.data()) as Float32Array, projection.kernel.shape);
    save('projection_bias', (await projection.bias.data()) as Float32Array, projection.bias.shape);
    save('batches', Int32Array.from(batches.flat()), [batches.length, BATCH]);
    const options = resolveOptions({ projection });
    writeFileSync(
      join(caseDir, 'case.json'),
      JSON.stringify({
        names,
        shapes: names.map((n) => initial[n].shape),
        trainable: names.map((n) => trainable.includes(n)),
        classes: CLASSES,
        rows: ROWS,
        width: WIDTH,
        temperature: options.temperature,
        learningRate: OPTIMISER.learningRate,
        weightDecay: OPTIMISER.weightDecay,
        epochs: EPOCHS,
        stepsPerEpoch: ROWS / BATCH,
        trainingWeights: TRAINING_WEIGHTS,
      }),
    );
    // runs while the studio computes its side
    const referenceRun = promisify(execFile)(python, [REFERENCE, caseDir, outDir], { timeout: 120_000 }).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`parity.py failed: ${(err.stderr || err.message).slice(-2000)}`);
    });

    // the studio: each term and its gradient on the first batch, from the initial weights
    // the batch's tensors are intermediates of the differentiated function, freed with it
    const lossOf =
      (weights: TermWeights, step = 0) =>
      () =>
        studentLoss(model, (inputs) => weightedLoss(weights, inputs, options), pairedBatch(set, batches[step]));
    studio.terms = {};
    studio.grads = [];
    for (const term of TERMS) {
      model.setWeights(initial); // the forward pass moved the running statistics
      const { value, outputs, grads } = stepGradients(lossOf({ [term]: 1 }), variables, 0);
      studio.terms[term] = (await outputs.terms[term].data())[0];
      studio.grads.push(flatGradients(grads, variables));
      tf.dispose([value, outputs.logits, ...Object.values(outputs.terms), ...Object.values(grads)]);
    }
    model.setWeights(initial);
    const first = tf.tidy(() => {
      const batch = pairedBatch(set, batches[0]);
      const out = model.forward(batch.images, { training: true });
      return { forward: tf.concat([tf.reshape(out.logits, [-1]), tf.reshape(out.feature, [-1])]), maps: tf.concat(out.maps.map((m) => tf.reshape(m, [-1]))) };
    });
    studio.forward = (await first.forward.data()) as Float32Array;
    studio.maps = (await first.maps.data()) as Float32Array;
    tf.dispose([first.forward, first.maps]);

    // the 20 steps, as the trainer takes them
    model.setWeights(initial);
    const optimiser = makeOptimiser(OPTIMISER);
    const stepsPerEpoch = ROWS / BATCH;
    studio.lrs = [];
    studio.steps = [];
    for (let step = 0; step < batches.length; step++) {
      const lr = learningRateAt(OPTIMISER, Math.floor(step / stepsPerEpoch) + 1, EPOCHS);
      setLearningRate(optimiser, lr);
      studio.lrs.push(lr);
      const { value, outputs } = trainStep(lossOf(TRAINING_WEIGHTS, step), model.trainableVariables, optimiser, OPTIMISER.weightDecay);
      tf.dispose([value, outputs.logits, ...Object.values(outputs.terms)]);
      studio.steps.push(flat(await model.getWeights(), names));
    }
    const predictions = await predictStudent(model, images, ROWS, BATCH);
    studio.evalLogits = predictions.logits;
    optimiser.dispose();
    model.dispose();
    disposeSet(set);
    tf.dispose([projection.kernel, projection.bias]);
    studio.threadedSteps = await threadedSteps(stepsPerEpoch);
    await referenceRun;
  });

  /** The same 20 steps with each batch split over two threads (trainingPeers.ts), as a run takes them. */
  async function threadedSteps(stepsPerEpoch: number): Promise<Float32Array[]> {
    const job = detachedStudentJob({
      seed: SEED,
      epochs: EPOCHS,
      batchSize: BATCH,
      optimiser: OPTIMISER,
      student: { ...defaultJob.student, width: WIDTH, gafSize: SIZE },
    });
    const data = { classes: CLASSES, signals: [], images: images.slice(), labels, teacher: null };
    const training = await threadedStudentTraining(job, backend, data, 2);
    const optimiser = makeOptimiser(OPTIMISER);
    const steps: Float32Array[] = [];
    try {
      for (let step = 0; step < batches.length; step++) {
        const epoch = Math.floor(step / stepsPerEpoch) + 1;
        if (step % stepsPerEpoch === 0) {
          setLearningRate(optimiser, learningRateAt(OPTIMISER, epoch, EPOCHS));
          training.startEpoch(epoch);
        }
        const { value, outputs } = trainStep(
          () => training.forwardLoss(batches[step]),
          training.model.trainableVariables,
          optimiser,
          OPTIMISER.weightDecay,
          training.reduceGradients,
        );
        tf.dispose([value, outputs.logits, ...Object.values(outputs.terms)]);
        steps.push(flat(await training.model.getWeights(), studio.names));
      }
      return steps;
    } finally {
      optimiser.dispose();
      training.dispose();
    }
  }

  function flatGradients(grads: tf.NamedTensorMap, variables: tf.Variable[]): Float32Array {
    const parts = variables.map((v) => (grads[v.name] ? (grads[v.name].dataSync() as Float32Array) : new Float32Array(v.size)));
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  it('agrees on the training-mode logits, pooled feature and stage outputs of the first batch', () => {
    seen.forward = assertValuesClose('logits and feature', studio.forward, reference('forward.npy'), TOLERANCE.forward);
    seen.maps = assertValuesClose('stage outputs', studio.maps, reference('maps.npy'), TOLERANCE.forward);
  });

  it('agrees on every loss term', () => {
    const expected = JSON.parse(readFileSync(join(outDir, 'terms.json'), 'utf8')) as Record<string, number>;
    for (const term of TERMS) seen[`term ${term}`] = assertValuesClose(term, [studio.terms[term]], [expected[term]], TOLERANCE.terms);
  });

  it("agrees on every term's gradient of every trainable weight and of the semantic projection", () => {
    const expected = decodeNpy(readFileSync(join(outDir, 'grads.npy')));
    const per = expected.shape[1];
    TERMS.forEach((term, k) => {
      const e = (expected.data as Float32Array).subarray(k * per, (k + 1) * per);
      seen[`gradient ${term}`] = assertTensorsClose(`gradient of ${term}:`, studio.grads[k], e, studio.segments, TOLERANCE.gradients);
    });
  });

  it("takes PyTorch's learning rates (CosineAnnealingLR stepped per epoch)", () => {
    const expected = JSON.parse(readFileSync(join(outDir, 'lrs.json'), 'utf8')) as number[];
    assertValuesClose('learning rate', studio.lrs, expected, 1e-9);
  });

  it('agrees on every weight and BatchNorm running statistic after each of the 20 steps', () => {
    const expected = decodeNpy(readFileSync(join(outDir, 'steps.npy')));
    const per = expected.shape[1];
    studio.steps.forEach((weights, step) => {
      const e = (expected.data as Float32Array).subarray(step * per, (step + 1) * per);
      const ratio = assertValuesClose(`step ${step + 1}:`, weights, e, TOLERANCE.weights, studio.allSegments);
      seen.weights = Math.max(seen.weights ?? 0, ratio);
    });
  });

  it('agrees on every weight and running statistic after each of the 20 steps on two threads, a shard of each batch on each', () => {
    const expected = decodeNpy(readFileSync(join(outDir, 'steps.npy')));
    const per = expected.shape[1];
    studio.threadedSteps.forEach((weights, step) => {
      const e = (expected.data as Float32Array).subarray(step * per, (step + 1) * per);
      const ratio = assertValuesClose(`two threads, step ${step + 1}:`, weights, e, TOLERANCE.weights, studio.allSegments);
      seen.threadedWeights = Math.max(seen.threadedWeights ?? 0, ratio);
    });
  });

  it('agrees on the eval-mode logits after the 20 steps (running statistics in use)', () => {
    seen.evalLogits = assertValuesClose('eval-mode logits', studio.evalLogits, reference('eval_logits.npy'), TOLERANCE.evalLogits);
    if (process.env.VSKD_PARITY_REPORT)
      console.log(backend, JSON.stringify(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, Number(v.toExponential(2))]))));
  });
});
