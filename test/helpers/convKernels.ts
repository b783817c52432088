/**
 * Checking a backend's convolution kernels against the cpu backend's: deterministic inputs, the
 * shapes and paddings that cover strides, odd sizes and explicit pads, a relative tolerance.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';

export type Padding = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
export type Shape4 = [number, number, number, number];

/** Deterministic values in [-1, 1) (mulberry32), so failures reproduce. */
export function randomValues(size: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(size);
  for (let k = 0; k < size; k++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[k] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Runs one kernel on a backend with deterministic inputs of the given shapes; returns shape and values. */
export async function runOn(
  backend: string,
  kernel: string,
  inputShapes: Record<string, number[]>,
  attrs: object,
): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const inputs: Record<string, tf.Tensor> = {};
    let seed = 1;
    for (const [name, shape] of Object.entries(inputShapes)) inputs[name] = tf.tensor(randomValues(shapeSize(shape), seed++), shape);
    const out = tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

export function shapeSize(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** |actual − expected| ≤ 1e-4 · max|expected| for every entry (float32 sums of many products). */
export function assertCloseRelative(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (let k = 0; k < expected.length; k++) scale = Math.max(scale, Math.abs(expected[k]));
  assert.ok(scale > 0, `${what}: the reference is all zeros`);
  for (let k = 0; k < expected.length; k++) {
    const diff = Math.abs(actual[k] - expected[k]);
    assert.ok(diff <= 1e-4 * scale, `${what}[${k}]: wasm ${actual[k]} vs cpu ${expected[k]} (scale ${scale})`);
  }
}

export function outShape(xShape: Shape4, filterShape: Shape4, strides: number | [number, number], pad: Padding, depthwise: boolean): number[] {
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, undefined, depthwise).outShape;
}

export interface ConvCase {
  x: Shape4;
  /** [kh, kw, out channels]; depthwise cases use `multiplier` instead */
  kernel: [number, number, number];
  multiplier: number;
  strides: number | [number, number];
  pad: Padding;
}

export const CONV_CASES: ConvCase[] = [
  { x: [2, 7, 7, 3], kernel: [3, 3, 4], multiplier: 1, strides: 1, pad: 'same' },
  { x: [2, 7, 7, 3], kernel: [3, 3, 4], multiplier: 2, strides: 2, pad: 'same' },
  { x: [2, 8, 8, 3], kernel: [3, 3, 5], multiplier: 1, strides: 2, pad: 'same' },
  { x: [2, 8, 9, 3], kernel: [3, 2, 4], multiplier: 3, strides: [2, 3], pad: 'valid' },
  { x: [1, 9, 9, 2], kernel: [1, 1, 3], multiplier: 2, strides: 2, pad: 'valid' },
  { x: [3, 10, 6, 4], kernel: [5, 3, 2], multiplier: 1, strides: [3, 1], pad: 'same' },
  { x: [2, 6, 6, 2], kernel: [3, 3, 2], multiplier: 2, strides: 1, pad: 2 },
  {
    x: [2, 8, 9, 3],
    kernel: [3, 3, 4],
    multiplier: 1,
    strides: 2,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
];

export function describeCase(c: ConvCase): string {
  return `x ${c.x.join('×')}, kernel ${c.kernel[0]}×${c.kernel[1]}, strides ${String(c.strides)}, pad ${JSON.stringify(c.pad)}`;
}

export async function assertKernelMatchesCpu(
  kernel: string,
  inputShapes: Record<string, number[]>,
  attrs: object,
  what: string,
  backend = 'wasm',
): Promise<void> {
  const expected = await runOn('cpu', kernel, inputShapes, attrs);
  const actual = await runOn(backend, kernel, inputShapes, attrs);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assertCloseRelative(actual.values, expected.values, what);
}
