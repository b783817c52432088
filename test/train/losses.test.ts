import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// Its node bundle registers every tfjs-core gradient (tfjs-core's node entry registers none).
import '@tensorflow/tfjs-layers';
import { crossEntropy } from '../../main/train/losses/crossEntropy.ts';
import { kd } from '../../main/train/losses/kd.ts';
import { rkdDistance } from '../../main/train/losses/rkdDistance.ts';
import { MAX_ANGLE_BATCH, rkdAngle } from '../../main/train/losses/rkdAngle.ts';
import { createProjection, semantic } from '../../main/train/losses/semantic.ts';
import { adaptiveAvgPool, attention } from '../../main/train/losses/attention.ts';
import { similarityPreserving } from '../../main/train/losses/similarityPreserving.ts';
import { distillationLoss } from '../../main/train/losses/registry.ts';
import { METHOD_NAMES, methodWeightOptions, methodWeights, type TermName } from '../../main/shared/lossMethods.ts';
import type { DistillationInputs } from '../../main/train/losses/combine.ts';
import { invalidArgument } from '../helpers/errors.ts';

type Matrix = number[][];
type Maps = number[][][][]; // NHWC

// ---------------------------------------------------------------------------------------------
// Independent float64 references, written as plain loops from the definitions in kd-losses.md.

/** Deterministic values in [-scale, scale) (mulberry32), so failures reproduce. */
function randomMatrix(rows: number, columns: number, seed: number, scale = 1): Matrix {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
  return Array.from({ length: rows }, () => Array.from({ length: columns }, () => next() * scale));
}

function randomMaps(n: number, h: number, w: number, c: number, seed: number): Maps {
  const flat = randomMatrix(n * h * w, c, seed);
  return Array.from({ length: n }, (_, b) => Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => flat[(b * h + y) * w + x])));
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const mean = (values: number[]): number => sum(values) / values.length;
const dot = (a: number[], b: number[]): number => sum(a.map((v, k) => v * b[k]));
const minus = (a: number[], b: number[]): number[] => a.map((v, k) => v - b[k]);

function logSoftmax(row: number[]): number[] {
  const max = Math.max(...row);
  const logSum = max + Math.log(sum(row.map((v) => Math.exp(v - max))));
  return row.map((v) => v - logSum);
}

function refCrossEntropy(labels: number[], logits: Matrix): number {
  return mean(labels.map((label, n) => -logSoftmax(logits[n])[label]));
}

function refKd(student: Matrix, teacher: Matrix, temperature: number): number {
  const perSample = student.map((row, n) => {
    const s = logSoftmax(row.map((v) => v / temperature));
    const t = logSoftmax(teacher[n].map((v) => v / temperature));
    return sum(t.map((lt, c) => Math.exp(lt) * (lt - s[c])));
  });
  return temperature * temperature * mean(perSample);
}

function refSmoothL1(a: number[], b: number[]): number {
  return mean(
    a.map((v, k) => {
      const d = Math.abs(v - b[k]);
      return d < 1 ? 0.5 * d * d : d - 0.5;
    }),
  );
}

function refDistances(e: Matrix): number[] {
  const d = e.flatMap((ei, i) => e.map((ej, j) => (i === j ? 0 : Math.sqrt(Math.max(sum(minus(ei, ej).map((v) => v * v)), 1e-12)))));
  const nonZero = d.filter((v) => v > 0);
  return d.map((v) => v / mean(nonZero));
}

function refRkdDistance(student: Matrix, teacher: Matrix): number {
  return refSmoothL1(refDistances(student), refDistances(teacher));
}

function refCosines(e: Matrix): number[] {
  const out: number[] = [];
  const length = (v: number[]): number => Math.sqrt(dot(v, v) + 1e-12);
  for (const ej of e) {
    for (const ei of e) {
      for (const ek of e) {
        const u = minus(ei, ej);
        const v = minus(ek, ej);
        out.push(dot(u, v) / (length(u) * length(v)));
      }
    }
  }
  return out;
}

function refRkdAngle(student: Matrix, teacher: Matrix): number {
  return refSmoothL1(refCosines(student), refCosines(teacher));
}

function normaliseRow(row: number[]): number[] {
  const norm = Math.max(Math.sqrt(dot(row, row)), 1e-12);
  return row.map((v) => v / norm);
}

function refSimilarityPreserving(student: Matrix, teacher: Matrix): number {
  const similarities = (f: Matrix): Matrix => f.map((fi) => normaliseRow(f.map((fj) => dot(fi, fj))));
  const gs = similarities(student);
  const gt = similarities(teacher);
  const n = student.length;
  return sum(gs.flatMap((row, i) => row.map((v, j) => (v - gt[i][j]) ** 2))) / (n * n);
}

/** Adaptive average pooling by its bins: [floor(i·in/out), ceil((i+1)·in/out)). */
function refPool(maps: Maps, outH: number, outW: number): Maps {
  const inH = maps[0].length;
  const inW = maps[0][0].length;
  const bins = (i: number, inSize: number, outSize: number): number[] => {
    const out: number[] = [];
    for (let k = Math.floor((i * inSize) / outSize); k < Math.ceil(((i + 1) * inSize) / outSize); k++) out.push(k);
    return out;
  };
  return maps.map((image) =>
    Array.from({ length: outH }, (_, y) =>
      Array.from({ length: outW }, (_, x) => {
        const cells = bins(y, inH, outH).flatMap((yy) => bins(x, inW, outW).map((xx) => image[yy][xx]));
        return cells[0].map((_, c) => mean(cells.map((cell) => cell[c])));
      }),
    ),
  );
}

function refAttentionMap(maps: Maps): Matrix {
  return maps.map((image) => normaliseRow(image.flatMap((row) => row.map((pixel) => mean(pixel.map((v) => v * v))))));
}

function refAttention(student: Maps[], teacher: Maps[]): number {
  return sum(
    student.map((s, k) => {
      const h = Math.min(s[0].length, teacher[k][0].length);
      const w = Math.min(s[0][0].length, teacher[k][0][0].length);
      const as = refAttentionMap(refPool(s, h, w));
      const at = refAttentionMap(refPool(teacher[k], h, w));
      return mean(as.flatMap((row, n) => row.map((v, p) => (v - at[n][p]) ** 2)));
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Helpers

const value = (scalar: tf.Scalar): number => {
  const v = scalar.dataSync()[0];
  scalar.dispose();
  return v;
};

function assertClose(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);
}

/** Gradients of `loss` w.r.t. both arguments, as nested arrays. */
function gradients(loss: (s: tf.Tensor, t: tf.Tensor) => tf.Scalar, student: Matrix, teacher: Matrix): [Matrix, Matrix] {
  return tf.tidy(() => {
    const [ds, dt] = tf.grads((s: tf.Tensor, t: tf.Tensor) => loss(s, t))([tf.tensor2d(student), tf.tensor2d(teacher)]);
    return [ds.arraySync() as Matrix, dt.arraySync() as Matrix];
  });
}

function allFinite(m: Matrix): boolean {
  return m.every((row) => row.every(Number.isFinite));
}

/** Central finite differences of the float64 reference at a few entries of the student's input. */
function assertMatchesFiniteDifferences(gradient: Matrix, reference: (s: Matrix) => number, student: Matrix, entries: [number, number][]): void {
  const h = 1e-6;
  for (const [i, j] of entries) {
    const plus = student.map((row) => [...row]);
    const minusH = student.map((row) => [...row]);
    plus[i][j] += h;
    minusH[i][j] -= h;
    const numeric = (reference(plus) - reference(minusH)) / (2 * h);
    assertClose(gradient[i][j], numeric, 1e-3 * Math.max(1, Math.abs(numeric)), `d/ds[${i}][${j}]`);
  }
  assert.ok(
    gradient.some((row) => row.some((v) => Math.abs(v) > 1e-4)),
    'the gradient is not all zero',
  );
}

const isZero = (m: Matrix): boolean => m.every((row) => row.every((v) => v === 0));

before(async () => {
  await tf.setBackend('cpu');
});

// ---------------------------------------------------------------------------------------------

describe('crossEntropy', () => {
  it('matches hand values: uniform logits give ln C; [1, 2, 3] with label 2 gives ln(1 + e⁻¹ + e⁻²)', () => {
    assertClose(value(crossEntropy(tf.tensor1d([0], 'int32'), tf.tensor2d([[0, 0, 0]]))), Math.log(3), 1e-6, 'uniform');
    const expected = Math.log(1 + Math.exp(-1) + Math.exp(-2));
    assertClose(value(crossEntropy(tf.tensor1d([2], 'int32'), tf.tensor2d([[1, 2, 3]]))), expected, 1e-6, '[1, 2, 3]');
  });

  it('takes the mean over the batch; class indices and one-hot rows agree', () => {
    const logits = randomMatrix(4, 5, 1, 3);
    const labels = [0, 3, 4, 1];
    const expected = refCrossEntropy(labels, logits);
    assertClose(value(crossEntropy(tf.tensor1d(labels, 'int32'), tf.tensor2d(logits))), expected, 1e-5, 'indices');
    const oneHot = labels.map((label) => Array.from({ length: 5 }, (_, c) => (c === label ? 1 : 0)));
    assertClose(value(crossEntropy(tf.tensor2d(oneHot), tf.tensor2d(logits))), expected, 1e-5, 'one-hot');
  });

  it('stays finite for huge logits (log-softmax subtracts the max)', () => {
    const loss = value(crossEntropy(tf.tensor1d([1], 'int32'), tf.tensor2d([[1000, 0, -1000]])));
    assertClose(loss, 1000, 1e-3, 'wrong class by 1000');
  });

  it('rejects mismatched labels naming the argument', () => {
    assert.throws(() => crossEntropy(tf.tensor1d([0, 1], 'int32'), tf.zeros([3, 4])), invalidArgument('labels', /2 labels for a batch of 3/));
    assert.throws(() => crossEntropy(tf.tensor1d([0, 1, 2]), tf.zeros([3, 4])), invalidArgument('labels', /int32/));
    assert.throws(() => crossEntropy(tf.zeros([3, 5]), tf.zeros([3, 4])), invalidArgument('labels'));
    assert.throws(() => crossEntropy(tf.tensor1d([0], 'int32'), tf.zeros([4])), invalidArgument('logits'));
  });
});

describe('kd', () => {
  it('matches a hand value: teacher softmax [0.75, 0.25] vs uniform student, T = 4', () => {
    // KL = 0.75 ln 1.5 + 0.25 ln 0.5, times T² = 16.
    const expected = 16 * (0.75 * Math.log(1.5) + 0.25 * Math.log(0.5));
    assertClose(value(kd(tf.tensor2d([[0, 0]]), tf.tensor2d([[4 * Math.log(3), 0]]))), expected, 1e-5, 'kd');
  });

  it('matches the reference for other temperatures and is zero when student equals teacher', () => {
    const s = randomMatrix(3, 6, 2, 4);
    const t = randomMatrix(3, 6, 3, 4);
    for (const temperature of [1, 4, 10]) {
      assertClose(value(kd(tf.tensor2d(s), tf.tensor2d(t), temperature)), refKd(s, t, temperature), 1e-4, `T = ${temperature}`);
    }
    assertClose(value(kd(tf.tensor2d(t), tf.tensor2d(t))), 0, 1e-6, 'same logits');
  });

  it('gives the student finite-difference gradients and the teacher none', () => {
    const s = randomMatrix(3, 5, 4, 3);
    const t = randomMatrix(3, 5, 5, 3);
    const [ds, dt] = gradients((a, b) => kd(a, b), s, t);
    assertMatchesFiniteDifferences(ds, (x) => refKd(x, t, 4), s, [
      [0, 0],
      [1, 3],
      [2, 4],
    ]);
    assert.ok(isZero(dt), 'the teacher got a gradient');
  });

  it('rejects differing shapes and a non-positive temperature', () => {
    assert.throws(() => kd(tf.zeros([2, 3]), tf.zeros([2, 4])), invalidArgument('teacherLogits'));
    assert.throws(() => kd(tf.zeros([2, 3]), tf.zeros([2, 3]), 0), invalidArgument('temperature'));
  });
});

describe('rkdDistance', () => {
  it('matches a hand value: points 0, 1, 2 against 0, 1, 3 on a line give 1/72', () => {
    // Normalised distances 0.75/1.5/0.75 vs 0.5/1.5/1: two entries each differ by ±0.25 → 4 · 0.5 · 0.25² / 9.
    assertClose(value(rkdDistance(tf.tensor2d([[0], [1], [2]]), tf.tensor2d([[0], [1], [3]]))), 1 / 72, 1e-6, 'line');
  });

  it('matches the reference (widths may differ) and is zero for a scaled, shifted teacher', () => {
    const s = randomMatrix(5, 4, 6, 2);
    const t = randomMatrix(5, 7, 7, 5);
    assertClose(value(rkdDistance(tf.tensor2d(s), tf.tensor2d(t))), refRkdDistance(s, t), 1e-5, 'random');
    assertClose(value(rkdDistance(tf.tensor2d(s), tf.tensor2d(s.map((row) => row.map((v) => 3 * v + 1))))), 0, 1e-6, 'scaled, shifted');
    assertClose(value(rkdDistance(tf.tensor2d(t), tf.tensor2d(t))), 0, 1e-6, 'equal');
  });

  it('gives the student finite-difference gradients and the teacher none', () => {
    const s = randomMatrix(4, 3, 8, 2);
    const t = randomMatrix(4, 3, 9, 2);
    const [ds, dt] = gradients((a, b) => rkdDistance(a, b), s, t);
    assertMatchesFiniteDifferences(ds, (x) => refRkdDistance(x, t), s, [
      [0, 0],
      [1, 2],
      [3, 1],
    ]);
    assert.ok(isZero(dt), 'the teacher got a gradient');
  });

  it('keeps gradients finite with duplicate rows', () => {
    const s = [
      [1, 2],
      [1, 2],
      [0, 1],
    ];
    const [ds] = gradients((a, b) => rkdDistance(a, b), s, [
      [0, 0],
      [1, 0],
      [0, 3],
    ]);
    assert.ok(allFinite(ds), JSON.stringify(ds));
  });

  it('rejects a single row and differing batches', () => {
    assert.throws(() => rkdDistance(tf.zeros([1, 3]), tf.zeros([1, 3])), invalidArgument('studentEmb', /at least 2/));
    assert.throws(() => rkdDistance(tf.zeros([3, 3]), tf.zeros([4, 3])), invalidArgument('teacherEmb', /batch of 4/));
  });
});

describe('rkdAngle', () => {
  it('matches the reference on random embeddings of different widths', () => {
    const s = randomMatrix(5, 3, 10, 2);
    const t = randomMatrix(5, 6, 11, 2);
    assertClose(value(rkdAngle(tf.tensor2d(s), tf.tensor2d(t))), refRkdAngle(s, t), 1e-5, 'random');
  });

  it('matches a hand value: a right angle against a straight line', () => {
    // Student: A=(0,0), B=(1,0), C=(0,1). Teacher: A=(0,0), B=(1,0), C=(2,0) (collinear).
    // Of the 27 cosines, those with a repeated point are 0 or 1 on both sides; the 6 triplets of distinct
    // points differ: at vertex A 0 vs 1, at B √½ vs −1, at C √½ vs 1, each in two orders.
    const r = Math.SQRT1_2;
    const huber = (d: number): number => (Math.abs(d) < 1 ? 0.5 * d * d : Math.abs(d) - 0.5);
    const expected = (2 * (huber(0 - 1) + huber(r + 1) + huber(r - 1))) / 27;
    const actual = value(
      rkdAngle(
        tf.tensor2d([
          [0, 0],
          [1, 0],
          [0, 1],
        ]),
        tf.tensor2d([
          [0, 0],
          [1, 0],
          [2, 0],
        ]),
      ),
    );
    assertClose(actual, expected, 1e-6, 'right angle vs line');
  });

  it('is zero for a scaled and shifted teacher', () => {
    const s = randomMatrix(4, 3, 12);
    const t = s.map((row) => row.map((v) => 5 * v - 2));
    assertClose(value(rkdAngle(tf.tensor2d(s), tf.tensor2d(t))), 0, 1e-6, 'similar triangles');
  });

  it('gives the student finite-difference gradients and the teacher none', () => {
    const s = randomMatrix(4, 3, 13, 2);
    const t = randomMatrix(4, 3, 14, 2);
    const [ds, dt] = gradients((a, b) => rkdAngle(a, b), s, t);
    assertMatchesFiniteDifferences(ds, (x) => refRkdAngle(x, t), s, [
      [0, 1],
      [2, 0],
      [3, 2],
    ]);
    assert.ok(isZero(dt), 'the teacher got a gradient');
  });

  it('keeps gradients finite (no NaN) with duplicate rows in the student, the teacher, or both', () => {
    const duplicated = [
      [1, 2, 0],
      [1, 2, 0],
      [0, 1, 1],
      [2, 0, 1],
    ];
    const distinct = randomMatrix(4, 3, 15);
    for (const [s, t] of [
      [duplicated, distinct],
      [distinct, duplicated],
      [duplicated, duplicated],
    ]) {
      const [ds] = gradients((a, b) => rkdAngle(a, b), s, t);
      assert.ok(allFinite(ds), JSON.stringify(ds));
    }
  });

  it(`refuses batches above ${MAX_ANGLE_BATCH} rows (or a given bound) naming the argument`, () => {
    const big = tf.zeros([MAX_ANGLE_BATCH + 1, 2]);
    assert.throws(() => rkdAngle(big, big), invalidArgument('studentEmb', /N³/));
    assert.throws(() => rkdAngle(tf.zeros([5, 2]), tf.zeros([5, 2]), 4), invalidArgument('studentEmb', /exceeds 4/));
    big.dispose();
  });
});

describe('semantic', () => {
  it('is the mean squared difference for equal widths, zero for equal features', () => {
    const s = randomMatrix(3, 4, 16);
    const t = randomMatrix(3, 4, 17);
    const expected = mean(s.flatMap((row, n) => row.map((v, c) => (v - t[n][c]) ** 2)));
    assertClose(value(semantic(tf.tensor2d(s), tf.tensor2d(t))), expected, 1e-6, 'mse');
    assertClose(value(semantic(tf.tensor2d(s), tf.tensor2d(s))), 0, 0, 'equal');
  });

  it('maps the student through the projection (x·W + b) when widths differ', () => {
    const projection = createProjection(2, 3, 1);
    projection.kernel.assign(
      tf.tensor2d([
        [1, 0, 2],
        [0, 1, -1],
      ]),
    );
    projection.bias.assign(tf.tensor1d([0.5, 0, 0]));
    // Student rows [1, 2] and [0, 1] map to [1.5, 2, 0] and [0.5, 1, −1].
    const t = [
      [1.5, 2, 1],
      [0.5, 0, -1],
    ];
    const expected = (0 + 0 + 1 + 0 + 1 + 0) / 6;
    assertClose(
      value(
        semantic(
          tf.tensor2d([
            [1, 2],
            [0, 1],
          ]),
          tf.tensor2d(t),
          projection,
        ),
      ),
      expected,
      1e-6,
      'projected',
    );
    tf.dispose([projection.kernel, projection.bias]);
  });

  it('trains the projection: its variables get gradients, the teacher none', () => {
    const projection = createProjection(3, 2, 7);
    const teacher = tf.tensor2d(randomMatrix(4, 2, 18));
    const { grads } = tf.variableGrads(() => semantic(tf.tensor2d(randomMatrix(4, 3, 19)), teacher, projection));
    assert.deepEqual(Object.keys(grads).sort(), [projection.bias.name, projection.kernel.name].sort());
    assert.ok((grads[projection.kernel.name].arraySync() as Matrix).some((row) => row.some((v) => v !== 0)));
    const [dt] = tf.grads((t: tf.Tensor) => semantic(tf.zeros([4, 3]), t, projection))([teacher]);
    assert.ok(isZero(dt.arraySync() as Matrix), 'the teacher got a gradient');
    tf.dispose([projection.kernel, projection.bias, teacher, dt, ...Object.values(grads)]);
  });

  it('creates a Glorot-uniform kernel and zero bias', () => {
    const { kernel, bias } = createProjection(30, 20, 3);
    const limit = Math.sqrt(6 / 50);
    const values = kernel.dataSync();
    assert.deepEqual(kernel.shape, [30, 20]);
    assert.ok(values.every((v) => Math.abs(v) <= limit) && values.some((v) => Math.abs(v) > limit / 2));
    assert.ok(bias.dataSync().every((v) => v === 0));
    tf.dispose([kernel, bias]);
  });

  it('asks for a projection when widths differ, and checks its shape', () => {
    assert.throws(() => semantic(tf.zeros([2, 3]), tf.zeros([2, 5])), invalidArgument('projection', /3 wide.*5/));
    const projection = createProjection(4, 5);
    assert.throws(() => semantic(tf.zeros([2, 3]), tf.zeros([2, 5]), projection), invalidArgument('projection', /4 → 5/));
    assert.throws(() => createProjection(0, 5), invalidArgument('studentWidth'));
    tf.dispose([projection.kernel, projection.bias]);
  });
});

describe('attention', () => {
  it('matches the reference for equal sizes and is zero for a scaled teacher with other channels', () => {
    const s = randomMaps(2, 3, 3, 4, 20);
    const t = randomMaps(2, 3, 3, 6, 21);
    assertClose(value(attention([tf.tensor4d(s)], [tf.tensor4d(t)])), refAttention([s], [t]), 1e-6, 'random');
    // Mean over channels of f² is unchanged by repeating channels, and the normalisation removes scale.
    const repeated = s.map((image) => image.map((row) => row.map((pixel) => [...pixel, ...pixel].map((v) => 3 * v))));
    assertClose(value(attention([tf.tensor4d(s)], [tf.tensor4d(repeated)])), 0, 1e-7, 'scaled, repeated channels');
  });

  it('matches a hand value: one sample, 1×2 maps', () => {
    // Student a = normalise([1, 1]) = [√½, √½]; teacher a = normalise([0, 4]) = [0, 1] (f² means over 1 channel).
    const r = Math.SQRT1_2;
    const expected = (r * r + (r - 1) ** 2) / 2;
    assertClose(value(attention([tf.tensor4d([[[[1], [-1]]]])], [tf.tensor4d([[[[0], [2]]]])])), expected, 1e-6, '1×2');
  });

  it('sums over pairs and adaptively pools the larger map (divisible and not)', () => {
    const pairs: [Maps, Maps][] = [
      [randomMaps(2, 4, 4, 3, 22), randomMaps(2, 2, 2, 5, 23)],
      [randomMaps(2, 5, 3, 2, 24), randomMaps(2, 3, 5, 2, 25)],
    ];
    const student = pairs.map(([s]) => s);
    const teacher = pairs.map(([, t]) => t);
    const actual = value(
      attention(
        student.map((m) => tf.tensor4d(m)),
        teacher.map((m) => tf.tensor4d(m)),
      ),
    );
    assertClose(actual, refAttention(student, teacher), 1e-6, 'two pairs');
  });

  it('pools like tf.avgPool when the size divides evenly', () => {
    const maps = tf.tensor4d(randomMaps(2, 6, 4, 3, 26));
    const pooled = adaptiveAvgPool(maps, 3, 2).dataSync();
    const expected = tf.avgPool(maps, [2, 2], [2, 2], 'valid').dataSync();
    pooled.forEach((v, k) => assertClose(v, expected[k], 1e-6, `pooled[${k}]`));
  });

  it('gives the student finite gradients and the teacher none', () => {
    const s = tf.tensor4d(randomMaps(2, 4, 4, 3, 27));
    const t = tf.tensor4d(randomMaps(2, 2, 2, 3, 28));
    const [ds, dt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => attention([a], [b]))([s, t]);
    const studentGrad = ds.dataSync();
    assert.ok(studentGrad.every(Number.isFinite) && studentGrad.some((v) => v !== 0));
    assert.ok(
      dt.dataSync().every((v) => v === 0),
      'the teacher got a gradient',
    );
  });

  it('rejects unpaired or non-4D maps', () => {
    assert.throws(() => attention([], []), invalidArgument('studentMaps'));
    assert.throws(() => attention([tf.zeros([1, 2, 2, 1])], []), invalidArgument('teacherMaps'));
    assert.throws(() => attention([tf.zeros([1, 2, 2])], [tf.zeros([1, 2, 2, 1])]), invalidArgument('studentMaps[0]'));
    assert.throws(() => attention([tf.zeros([1, 2, 2, 1])], [tf.zeros([2, 2, 2, 1])]), invalidArgument('teacherMaps[0]'));
  });
});

describe('similarityPreserving', () => {
  it('matches the reference (different widths, higher ranks flattened) and is zero for a scaled teacher', () => {
    const s = randomMatrix(4, 6, 29);
    const t = randomMatrix(4, 9, 30);
    assertClose(value(similarityPreserving(tf.tensor2d(s), tf.tensor2d(t))), refSimilarityPreserving(s, t), 1e-6, 'random');
    const asMaps = tf.reshape(tf.tensor2d(s), [4, 3, 2, 1]);
    assertClose(value(similarityPreserving(asMaps, tf.tensor2d(t))), refSimilarityPreserving(s, t), 1e-6, 'flattened');
    assertClose(value(similarityPreserving(tf.tensor2d(s), tf.tensor2d(s.map((row) => row.map((v) => 2 * v))))), 0, 1e-6, 'scaled');
  });

  it('matches a hand value: orthogonal vs parallel rows', () => {
    // Student rows e1, e2: G = I. Teacher rows equal: G rows = [√½, √½]. ‖ΔG‖² = 2(1 − √½)² + 2·½ over 4.
    const r = Math.SQRT1_2;
    const expected = (2 * (1 - r) ** 2 + 2 * r * r) / 4;
    assertClose(
      value(
        similarityPreserving(
          tf.tensor2d([
            [1, 0],
            [0, 1],
          ]),
          tf.tensor2d([
            [1, 1],
            [1, 1],
          ]),
        ),
      ),
      expected,
      1e-6,
      'hand',
    );
  });

  it('gives the student gradients and the teacher none, finite even for an all-zero row', () => {
    const [ds, dt] = gradients(
      (a, b) => similarityPreserving(a, b),
      [
        [0, 0],
        [1, 2],
        [2, -1],
      ],
      randomMatrix(3, 2, 31),
    );
    assert.ok(allFinite(ds) && ds.some((row) => row.some((v) => v !== 0)), JSON.stringify(ds));
    assert.ok(isZero(dt), 'the teacher got a gradient');
  });
});

// ---------------------------------------------------------------------------------------------

function batchInputs(): DistillationInputs {
  const n = 4;
  return {
    labels: tf.tensor1d([0, 2, 1, 2], 'int32'),
    studentLogits: tf.tensor2d(randomMatrix(n, 3, 40, 2)),
    teacherLogits: tf.tensor2d(randomMatrix(n, 3, 41, 2)),
    studentEmb: tf.tensor2d(randomMatrix(n, 5, 42)),
    teacherEmb: tf.tensor2d(randomMatrix(n, 8, 43)),
    studentFeat: tf.tensor2d(randomMatrix(n, 6, 44)),
    teacherFeat: tf.tensor2d(randomMatrix(n, 6, 45)),
    studentMaps: [tf.tensor4d(randomMaps(n, 4, 4, 2, 46))],
    teacherMaps: [tf.tensor4d(randomMaps(n, 2, 2, 3, 47))],
  };
}

const daskTerms: TermName[] = ['crossEntropy', 'kd', 'rkdDistance', 'rkdAngle', 'semantic'];
const expectedTerms: Record<string, TermName[]> = {
  baseline: ['crossEntropy'],
  st: ['crossEntropy', 'kd'],
  at: ['crossEntropy', 'attention'],
  sp: ['crossEntropy', 'similarityPreserving'],
  dask: daskTerms,
  ask: daskTerms.filter((t) => t !== 'rkdDistance'),
  dsk: daskTerms.filter((t) => t !== 'rkdAngle'),
  sk: daskTerms.filter((t) => t !== 'rkdDistance' && t !== 'rkdAngle'),
  dak: daskTerms.filter((t) => t !== 'semantic'),
};

describe('distillationLoss registry', () => {
  it('resolves every method name to its terms; the total is the weighted sum', () => {
    assert.deepEqual([...METHOD_NAMES].sort(), Object.keys(expectedTerms).sort());
    const inputs = batchInputs();
    for (const method of METHOD_NAMES) {
      const { total, terms } = distillationLoss(method)(inputs);
      assert.deepEqual(Object.keys(terms).sort(), [...expectedTerms[method]].sort(), method);
      const weights = methodWeights(method);
      const expected = sum(Object.entries(terms).map(([name, term]) => weights[name as TermName]! * term.dataSync()[0]));
      assertClose(total.dataSync()[0], expected, 1e-5, `${method} total`);
      tf.dispose([total, ...Object.values(terms)]);
    }
  });

  it('uses VSKD defaults (α 0.01, β 1, γ 1, T 4) and RepDistiller weights (AT 1000, SP 3000), all configurable', () => {
    assert.deepEqual(methodWeights('dask'), { crossEntropy: 1, kd: 0.01, rkdDistance: 1, rkdAngle: 1, semantic: 1 });
    assert.deepEqual(methodWeights('at'), { crossEntropy: 1, attention: 1000 });
    assert.deepEqual(methodWeights('sp'), { crossEntropy: 1, similarityPreserving: 3000 });
    assert.deepEqual(methodWeights('dak', { alpha: 0.5, beta: 2, gamma: 3 }), { crossEntropy: 1, kd: 0.5, rkdDistance: 2, rkdAngle: 2 });
    assert.deepEqual(methodWeights('sp', { spWeight: 10 }), { crossEntropy: 1, similarityPreserving: 10 });
    const inputs = batchInputs();
    const hot = value(distillationLoss('st', { temperature: 1 })(inputs).terms.kd);
    assertClose(hot, value(kd(inputs.studentLogits, inputs.teacherLogits, 1)), 1e-6, 'temperature reaches kd');
  });

  it('names the weights each method takes (what the studio form offers)', () => {
    assert.deepEqual(methodWeightOptions('baseline'), []);
    assert.deepEqual(methodWeightOptions('st'), ['alpha', 'temperature']);
    assert.deepEqual(methodWeightOptions('at'), ['atWeight']);
    assert.deepEqual(methodWeightOptions('sp'), ['spWeight']);
    assert.deepEqual(methodWeightOptions('dask').sort(), ['alpha', 'beta', 'gamma', 'temperature']);
    assert.deepEqual(methodWeightOptions('sk').sort(), ['alpha', 'gamma', 'temperature']);
    assert.deepEqual(methodWeightOptions('dak').sort(), ['alpha', 'beta', 'temperature']);
    assert.throws(() => methodWeightOptions('fitnet'), invalidArgument('method', /unknown distillation method 'fitnet'/));
  });

  it("dask's terms equal the separate losses (RKD on logits by default)", () => {
    const inputs = batchInputs();
    const direct = distillationLoss('dask')(inputs);
    assertClose(direct.terms.rkdDistance.dataSync()[0], value(rkdDistance(inputs.studentLogits, inputs.teacherLogits)), 1e-6, 'D');
    assertClose(direct.terms.rkdAngle.dataSync()[0], value(rkdAngle(inputs.studentLogits, inputs.teacherLogits)), 1e-6, 'A');
    assertClose(direct.terms.semantic.dataSync()[0], value(semantic(inputs.studentFeat!, inputs.teacherFeat!)), 1e-6, 'S');
  });

  it("applies RKD to studentEmb/teacherEmb with rkdOn: 'embeddings'", () => {
    const inputs = batchInputs();
    const { terms } = distillationLoss('dak', { rkdOn: 'embeddings' })(inputs);
    assertClose(terms.rkdDistance.dataSync()[0], value(rkdDistance(inputs.studentEmb!, inputs.teacherEmb!)), 1e-6, 'D on embeddings');
    assertClose(terms.rkdAngle.dataSync()[0], value(rkdAngle(inputs.studentEmb!, inputs.teacherEmb!)), 1e-6, 'A on embeddings');
    const { studentEmb: _, ...withoutEmb } = inputs;
    assert.throws(() => distillationLoss('dak', { rkdOn: 'embeddings' })(withoutEmb), invalidArgument('studentEmb'));
  });

  it('gives finite gradients to the student and zero to the teacher through the whole DASK loss', () => {
    const inputs = batchInputs();
    const loss = distillationLoss('dask');
    const [dsLogits, dsFeat, dtLogits, dtFeat] = tf.grads(
      (sl: tf.Tensor, sf: tf.Tensor, tl: tf.Tensor, tfe: tf.Tensor) =>
        loss({ ...inputs, studentLogits: sl, studentFeat: sf, teacherLogits: tl, teacherFeat: tfe }).total,
    )([inputs.studentLogits, inputs.studentFeat!, inputs.teacherLogits, inputs.teacherFeat!]);
    for (const g of [dsLogits, dsFeat]) assert.ok(g.dataSync().every(Number.isFinite) && g.dataSync().some((v) => v !== 0));
    for (const g of [dtLogits, dtFeat])
      assert.ok(
        g.dataSync().every((v) => v === 0),
        'the teacher got a gradient',
      );
  });

  it('leaves only the returned tensors behind', () => {
    const inputs = batchInputs();
    const loss = distillationLoss('dask');
    const before = tf.memory().numTensors;
    const { total, terms } = loss(inputs);
    assert.equal(tf.memory().numTensors, before + 1 + Object.keys(terms).length);
    tf.dispose([total, ...Object.values(terms)]);
  });

  it('rejects an unknown name listing the methods, missing inputs and bad options, naming the argument', () => {
    assert.throws(() => distillationLoss('fitnet'), invalidArgument('method', new RegExp(METHOD_NAMES.join(', '))));
    assert.throws(() => distillationLoss('dask', { alpha: -1 }), invalidArgument('alpha'));
    assert.throws(() => distillationLoss('st', { temperature: 0 }), invalidArgument('temperature'));
    assert.throws(() => distillationLoss('dask', { rkdOn: 'features' as never }), invalidArgument('rkdOn'));
    const { studentMaps: _, ...withoutMaps } = batchInputs();
    assert.throws(() => distillationLoss('at')(withoutMaps), invalidArgument('studentMaps', /attention/));
    const { teacherFeat: __, ...withoutFeat } = batchInputs();
    assert.throws(() => distillationLoss('sk')(withoutFeat), invalidArgument('teacherFeat', /semantic/));
  });
});
